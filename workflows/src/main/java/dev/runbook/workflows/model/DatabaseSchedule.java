package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.Objects;

/**
 * What a database's schedule runs: its backups (when {@code databases.<name>.backup.schedule} is
 * set) and its cleanup (daily unless {@code cleanup.schedule} says otherwise). The worker starts
 * one schedule run per database, {@code schedule-<database>}, and replaces it when this changes.
 *
 * @param backup when scheduled backups fire; null for none
 * @param cleanup when the cleanup fires; null for none
 * @param lastBackup the last backup the schedule started (carried from one of its runs to the next)
 * @param lastCleanup the last cleanup it started
 */
public record DatabaseSchedule(
    String database, CronSchedule backup, CronSchedule cleanup, JobRun lastBackup, JobRun lastCleanup) {

  /** A job the schedule started, and how it ended ("succeeded", "failed", ...). */
  public record JobRun(String workflowId, Instant startedAt, String outcome) {}

  public DatabaseSchedule(String database, CronSchedule backup, CronSchedule cleanup) {
    this(database, backup, cleanup, null, null);
  }

  /** True when both fire the same jobs at the same times (what was carried between runs aside). */
  public boolean sameAs(DatabaseSchedule other) {
    return other != null && Objects.equals(database, other.database) && same(backup, other.backup)
        && same(cleanup, other.cleanup);
  }

  private static boolean same(CronSchedule a, CronSchedule b) {
    return a == null || b == null ? a == b : a.describe().equals(b.describe());
  }

  /** The schedule as people read it: "backup 0 3 * * * (UTC), cleanup 30 4 * * * (UTC)". */
  public String describe() {
    return (backup == null ? "no scheduled backup" : "backup " + backup.describe())
        + ", " + (cleanup == null ? "no cleanup" : "cleanup " + cleanup.describe());
  }
}
