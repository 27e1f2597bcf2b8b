package dev.runbook.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What rollbacks and backups leave behind, removed when retention lets it go: backups beyond a
 * database's {@code retention}, safety copies ({@code <db>__before_<run>}) older than its {@code
 * safetyCopies.keep} (never the newest, never one whose run still goes on), staging databases
 * ({@code <db>__rb_<run>}) of runs that have ended or no longer exist, and backup lock files that
 * nothing holds. Each removal is recorded in the rollback log.
 */
@ActivityInterface(namePrefix = "Retention")
public interface RetentionActivities {
  /**
   * Removes (or, in a dry run, lists) what retention lets go. A retry with the same key returns
   * what the earlier attempts removed too, so the report is the same however often it runs.
   */
  PruneReport prune(PruneRequest request);

  /** What is left behind, by kind. */
  enum Leftover {
    BACKUP,
    SAFETY_COPY,
    STAGING_DATABASE,
    LOCK_FILE;

    /** backup, safety copy, staging database, lock file. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** "1 backup", "2 safety copies". */
    public String count(long n) {
      String one = label();
      return n + " " + (n == 1 ? one : one.endsWith("y") ? one.substring(0, one.length() - 1) + "ies" : one + "s");
    }
  }

  /**
   * @param database the configured database; null prunes every one the worker has
   * @param key stable idempotency key: what a retry reports
   */
  record PruneRequest(String database, String key, boolean dryRun) {}

  /**
   * @param removed what was removed (in a dry run: what would be)
   * @param kept what retention would let go but is kept on purpose, and why (the newest safety
   *     copy, a staging database whose run goes on)
   * @param planned in a dry run, the commands and SQL that would run
   */
  record PruneReport(List<Removal> removed, List<Kept> kept, List<String> planned) implements Planned {
    public long count(Leftover kind) {
      return removed.stream().filter(r -> r.kind() == kind).count();
    }
  }

  /**
   * @param name the backup ID, the database's name on its server, or the lock file
   * @param why what made it go: its age against the limit, the run that ended
   * @param at when it was removed; null in a dry run
   */
  record Removal(Leftover kind, String database, String name, String why, Instant at) {}

  record Kept(Leftover kind, String database, String name, String why) {}
}
