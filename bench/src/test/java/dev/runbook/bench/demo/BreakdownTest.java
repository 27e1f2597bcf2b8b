package dev.runbook.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BreakdownTest {
  @TempDir Path dir;

  @Test
  void eachPartLastsUntilTheNextMarkAndTheMedianOverRunsIsShown() throws Exception {
    Breakdown parts = new Breakdown();
    Path marks = dir.resolve("marks.txt");
    Files.writeString(marks, "evidence 100.000000\nbackup 100.250000\nend 101.000000\n");
    parts.addMarks(marks);
    Files.writeString(marks, "evidence 200.000000\nbackup 200.050000\nend 200.550000\n");
    parts.addMarks(marks);
    Files.writeString(marks, "evidence 300.000000\nbackup 300.100000\nend 301.100000\n");
    parts.addMarks(marks);
    assertThat(parts.text()).isEqualTo("evidence 0.10 s, backup 0.75 s");
  }

  @Test
  void aPartOfManyPiecesShowsHowManyItHad() {
    Breakdown parts = new Breakdown();
    parts.add("AuditRecord", 0.30, 13);
    parts.add("AuditRecord", 0.20, 12);
    parts.add("AuditRecord", 0.25, 13);
    assertThat(parts.text()).isEqualTo("AuditRecord x13 0.25 s");
  }
}
