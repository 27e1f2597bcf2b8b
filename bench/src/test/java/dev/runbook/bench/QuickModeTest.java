package dev.runbook.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/bench --quick} still works: every measure in {@link Main#all()} runs with small
 * sizes and writes at least one row. No time is asserted: a missed target is a figure.
 */
class QuickModeTest {

  @Test
  void everyMeasureRunsAndReportsAtLeastOneRow() throws Exception {
    Path module = Path.of("").toAbsolutePath();
    Path root = Files.isRegularFile(module.resolve("../scripts/bench")) ? module.getParent() : module;
    System.setProperty("runbook.home", root.toString());
    Path out = root.resolve("bench/target/BENCHMARKS-quick-test.md");

    int exit = Main.run(new String[] {"--quick", "--out", out.toString()});

    String report = Files.readString(out);
    assertThat(exit).as(report).isZero();
    List<String> titles = report.lines()
        .filter(l -> l.startsWith("| ") && !l.startsWith("| measure |"))
        .map(l -> l.substring(2, l.indexOf(" |", 2)))
        .toList();
    for (Measure m : Main.all()) {
      assertThat(titles).as("rows of %s in\n%s", m.name(), report).anyMatch(t -> t.contains(m.name()));
    }
  }
}
