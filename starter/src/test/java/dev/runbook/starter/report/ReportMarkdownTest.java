package dev.runbook.starter.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.model.IncidentReport;
import dev.runbook.workflows.model.RollbackLogEntry;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Markdown of a report and of the log: tables that stay tables, facts as recorded, gaps said. */
class ReportMarkdownTest {
  /** The rows of every table: lines starting with a pipe. */
  private static List<String> tableRows(String md) {
    return md.lines().filter(l -> l.startsWith("|")).toList();
  }

  /** Cells of a row, split on pipes that are not escaped. */
  private static int cells(String row) {
    return row.split("(?<!\\\\)\\|", -1).length - 2;
  }

  @Test
  void pipesAndLineBreaksInValuesKeepEveryTableRowWhole() {
    String md = ReportMarkdown.render(SampleReports.emergency("rollback-api"));

    assertThat(md).contains("| Reason | 5xx \\| after v2<br>since 02:00 |");
    assertThat(md).contains("| 2026-11-27 02:00:00Z | erin | requested | - | - | 5xx \\| after v2<br>since 02:00 |");
    // Each table's rows have as many cells as its header.
    String[] blocks = md.split("\n\n");
    for (String block : blocks) {
      List<String> rows = tableRows(block);
      if (rows.isEmpty()) {
        continue;
      }
      int width = cells(rows.get(0));
      assertThat(rows).allSatisfy(r -> assertThat(cells(r)).as(r).isEqualTo(width));
    }
  }

  @Test
  void cellsEscapeMarkupAndLineBreaksOfEveryKind() {
    assertThat(Md.cell("a|b")).isEqualTo("a\\|b");
    assertThat(Md.cell("one\r\ntwo\rthree\nfour")).isEqualTo("one<br>two<br>three<br>four");
    assertThat(Md.cell("<script>x</script>")).isEqualTo("&lt;script>x&lt;/script>");
    assertThat(Md.cell("3 -> 2")).isEqualTo("3 -> 2");
    assertThat(Md.cell("C:\\dir|x")).isEqualTo("C:\\\\dir\\|x");
    assertThat(Md.cell(null)).isEqualTo("-");
    assertThat(Md.cell("  ")).isEqualTo("-");
  }

  @Test
  void aFinishedRunShowsEverySectionWithItsRecordedTimes() {
    String md = ReportMarkdown.render(SampleReports.emergency("rollback-api"));

    assertThat(md).startsWith("# Incident report: emergency rollback of api (P1, INC-42)\n");
    assertThat(md).contains("| deploy | Deploy v1 | succeeded | 2 | 2026-11-27 02:01:11Z | 2026-11-27 02:01:20Z | 9s |"
        + " v1 running |");
    assertThat(md).contains("| approval | Approval: P1 needs an approver | approved | 1 | 2026-11-27 02:00:03Z |"
        + " 2026-11-27 02:00:40Z | 37s | approved by alice |");
    assertThat(md).contains("| 2026-11-27 02:00:20Z | erin | refused | approval | - | the requester cannot approve |");
    assertThat(md).contains("| 2026-11-27 02:01:10Z | bob | decided | deploy | retry | registry is back |");
    assertThat(md).contains("| api | v2 | v1 | 7 | rollback | erin | 2026-11-27 02:01:20Z | 2026-11-27 02:01:30Z |");
    assertThat(md).contains("| api | cfg-new | cfg-old | 2026-11-27 02:01:20Z | LEGACY | none | FEATURE_X |");
    assertThat(md).contains("Configuration values are never shown");
    assertThat(md).contains("within SLA (1m31s of 10m): took 1m31s of 10m00s (measured 2026-11-27 02:01:31Z).");
    assertThat(md).contains("| 2026-11-27 02:01:32Z | resolved | - | failed: slack answered 500 |");
    assertThat(md).contains("The run restored no backup and took none.");
    assertThat(md).contains("## Checklist\n\nNo checklist recorded.");
    assertThat(md).contains("| Duration | 1m35s |");
  }

  @Test
  void anOpenRestoreSaysWhatIsNotRecordedYetAndWhatTheRestoreDiscarded() {
    IncidentReport r = SampleReports.openRestore("rollback-api")
        .withLive(new IncidentReport.Live("awaiting-approval", "approval", "approval by lead", SampleReports.T.plusSeconds(60)));
    String md = ReportMarkdown.render(r);

    assertThat(md).contains("| Ended | not ended |");
    assertThat(md).contains("| Outcome | not ended |");
    assertThat(md).contains("| Incident | not recorded |");
    assertThat(md).contains("| Now (from Temporal) | awaiting-approval, step approval, waiting for approval by lead at"
        + " 2026-11-27 02:01:00Z |");
    assertThat(md).contains("| restored | b-1 | shop (7300000000000000001, db1:5432/shop) | 2026-11-27 01:00:00Z |"
        + " 1h00m21s | 4096 bytes | 11 |");
    assertThat(md).contains("| safety copy | safety-1 |");
    assertThat(md).contains("Discarded: writes after 2026-11-27 01:00:00Z are not in the restored database; the safety"
        + " copy safety-1 keeps them. Rows discarded: not measured.");
    assertThat(md).contains("Schema of shop: 12 -> 11");
    assertThat(md).contains("No step recorded.");
    assertThat(md).contains("Not measured: no SLA applies");
  }

  @Test
  void theLogIsTheIgnitionTable() {
    Instant t = Instant.parse("2026-11-20T10:15:00Z");
    RollbackLogEntry done = new RollbackLogEntry("rollback-api", "r1", "emergency", "P1", List.of("api"), t,
        t.plusSeconds(272), "v1.2.3", "v1.2.2", "OOM | after deploy", "erin", null, false, 272_000L, "succeeded", "ok",
        false, null, null);
    RollbackLogEntry drill = new RollbackLogEntry("rollback-web", "r2", "emergency", "P3", List.of("web"), t,
        null, "v9", null, null, "erin", null, false, null, null, null, true, null, "drill-web-0badcafe");

    String md = LogMarkdown.render(List.of(done, drill));

    assertThat(md.lines().toList()).containsSubsequence(
        "| Date | From | To | Reason | Duration |",
        "|------|------|-----|--------|----------|",
        "| 2026-11-20 10:15Z | api v1.2.3 | api v1.2.2 | OOM \\| after deploy (succeeded) | 4m32s |",
        "| 2026-11-20 10:15Z | web v9 | - | [DRILL] (no reason recorded) (monitoring) | - |");
    assertThat(LogMarkdown.render(List.of())).endsWith("| (none yet) | | | | |\n");
    assertThat(Arrays.stream(md.split("\n")).filter(l -> l.startsWith("| 2026")).map(ReportMarkdownTest::cells))
        .containsOnly(5);
  }
}
