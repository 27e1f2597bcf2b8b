package dev.runbook.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  private static final Machine MACHINE = new Machine("a CPU", 2, "8 GiB", "Linux", "17", "abc1234");

  private static List<Comparison> rows(double ours) {
    return List.of(new Comparison("step-time, embedded", Samples.of("ms", List.of(ours)), "bare",
        Samples.of("ms", List.of(10.0)), Target.ratioAtMost(1.3), "how it was measured"));
  }

  @Test
  void aRewriteReplacesTheFiguresAndKeepsTheAccountPeopleWroteInItsPlace(@TempDir Path dir) throws Exception {
    Path page = dir.resolve("BENCHMARKS.md");
    Report.write(page, MACHINE, "scripts/bench", rows(12.0), List.of());
    assertThat(Files.readString(page)).doesNotContain(Report.ACCOUNT).contains("how it was measured");

    String account = Report.ACCOUNT + ", and what is done about it\n\n- **Step time**: the log write.\n";
    Files.writeString(page, Files.readString(page).replace("## How each was measured", account
        + "\n## How each was measured"));
    Report.write(page, MACHINE, "scripts/bench", rows(20.0), List.of("cli: it broke"));
    Report.write(page, MACHINE, "scripts/bench", rows(14.0), List.of());

    String rewritten = Files.readString(page);
    assertThat(rewritten).contains("14.0").doesNotContain("20.0").doesNotContain("it broke");
    assertThat(rewritten.split(Report.ACCOUNT, -1)).as("the account, once").hasSize(2);
    assertThat(rewritten).contains(account.strip());
    assertThat(rewritten.indexOf("## Figures")).isLessThan(rewritten.indexOf(Report.ACCOUNT));
    assertThat(rewritten.indexOf(Report.ACCOUNT)).isLessThan(rewritten.indexOf("## How each was measured"));
  }

  @Test
  void theChartsBesideThePageAreShownUnderTheFiguresAndNoneThatIsMissing(@TempDir Path dir) throws Exception {
    Path page = dir.resolve("BENCHMARKS.md");
    Files.write(dir.resolve("bench-restore-downtime.png"), new byte[] {1});

    Report.write(page, MACHINE, "scripts/bench", rows(12.0), List.of());

    String written = Files.readString(page);
    assertThat(written).contains("![Writers' downtime against database size](bench-restore-downtime.png)")
        .doesNotContain("bench-step-time.png");
    assertThat(written.indexOf("bench-restore-downtime.png")).isGreaterThan(written.indexOf("## Figures"))
        .isLessThan(written.indexOf("## How each was measured"));
  }
}
