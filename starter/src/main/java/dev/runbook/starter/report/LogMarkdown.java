package dev.runbook.starter.report;

import static dev.runbook.starter.report.Md.cell;

import dev.runbook.workflows.model.RollbackLogEntry;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollback log as the Ignition runbook keeps it, a Markdown table to paste into a runbook:
 * {@code | Date | From | To | Reason | Duration |}. From and To name the service, since one log
 * holds many; the reason carries the outcome and marks a drill's rehearsal, which is no incident.
 */
public final class LogMarkdown {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
      .withZone(ZoneOffset.UTC);

  private LogMarkdown() {}

  public static String render(List<RollbackLogEntry> runs) {
    StringBuilder out = new StringBuilder("## Rollback Log\n\n");
    out.append("| Date | From | To | Reason | Duration |\n");
    out.append("|------|------|-----|--------|----------|\n");
    if (runs.isEmpty()) {
      out.append("| (none yet) | | | | |\n");
      return out.toString();
    }
    for (RollbackLogEntry e : runs) {
      String target = String.join(", ", e.services());
      List<String> cells = new ArrayList<>();
      cells.add(e.startedAt() == null ? "-" : DATE.format(e.startedAt()));
      cells.add(e.fromVersion() == null ? "-" : cell(target + " " + e.fromVersion()));
      cells.add(e.toVersion() == null ? "-" : cell(target + " " + e.toVersion()));
      String state = e.outcome() != null ? e.outcome() : e.monitoring() ? "monitoring" : "running";
      cells.add((e.drill() != null ? "[DRILL] " : "") + (e.dryRun() ? "[DRY RUN] " : "")
          + cell(e.reason() == null ? "(no reason recorded)" : e.reason()) + " (" + cell(state) + ")");
      cells.add(e.durationMs() == null ? "-" : Md.duration(e.durationMs()));
      out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    return out.toString();
  }
}
