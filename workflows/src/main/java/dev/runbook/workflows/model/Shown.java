package dev.runbook.workflows.model;

import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.DatabaseActivities.TableDiscard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How values read in step details and messages, which people read on a phone at night. */
public final class Shown {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Shown() {}

  /** A schema version, or "unknown" where no migrations say it. */
  public static String schema(String version) {
    return version == null ? "unknown" : version;
  }

  /** A moment to the second, in UTC: 2026-11-26 17:30:58 UTC. */
  public static String time(Instant t) {
    return t == null ? "unknown" : TIME.format(t);
  }

  /**
   * What a restore discards, as the approval request says it: "orders: 1,204 rows newer than the
   * backup; customers: 31 changed", and where the rows are kept.
   */
  public static String discards(DiscardReport report) {
    if (report == null) {
      return "what the restore discards was not measured";
    }
    if (report.tables().isEmpty()) {
      return "the restore discards nothing: the live database holds no row the backup lacks or has changed";
    }
    List<String> parts = new ArrayList<>();
    for (TableDiscard t : report.tables()) {
      List<String> what = new ArrayList<>();
      if (t.inserted() > 0) {
        what.add(count(t.inserted()) + " newer than the backup");
      }
      if (t.updated() > 0) {
        what.add(count(t.updated()) + " changed");
      }
      if (t.deleted() > 0) {
        what.add(count(t.deleted()) + " deleted since (they come back)");
      }
      parts.add(t.table() + ": " + String.join(", ", what)
          + (t.newestChange() == null ? "" : " (newest " + t.newestColumn() + " " + t.newestChange() + ")"));
    }
    return "the restore discards " + String.join("; ", parts)
        + (report.salvage() == null ? "" : ". The rows are kept in " + report.salvage()
            + (report.script() == null ? "" : "; " + report.script() + " re-applies them"));
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n) + (n == 1 ? " row" : " rows");
  }

  /** The salvage set kept just before the swap, as the step says it. */
  public static String salvaged(DiscardReport report) {
    long rows = report.tables().stream().mapToLong(t -> t.inserted() + t.updated() + t.deleted()).sum();
    return report.salvage() == null
        ? "nothing to keep: the live database holds nothing the backup lacks"
        : "kept " + count(rows) + " the restore discards from " + report.tables().size() + " table(s) in "
            + report.salvage() + (report.script() == null ? "" : "; " + report.script() + " re-applies them");
  }
}
