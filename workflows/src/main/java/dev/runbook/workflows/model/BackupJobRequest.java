package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Back up one configured database, as a run of its own: on demand ({@code runbook backup
 * DATABASE}, {@code POST /api/v1/backups}) or when its schedule fires. The same backup as a
 * runbook's backup step: pg_dump, verified, with its manifest, the database's identity and a row
 * in the rollback log's catalog of backups.
 *
 * @param database the configured database
 * @param reason why; null says "on demand" or names the schedule
 * @param requestedBy who asked, or {@link #SCHEDULE} for a scheduled backup
 * @param tag eight hex digits chosen by whoever starts it: the run's ID is {@code
 *     backup-<database>-<tag>}
 * @param schedule the schedule that started it ({@link CronSchedule#describe()}); null on demand
 */
public record BackupJobRequest(String database, String reason, String requestedBy, String tag, String schedule)
    implements RunbookRequest {

  /** Who asks for a scheduled backup or cleanup. */
  public static final String SCHEDULE = "schedule";

  @Override
  public RunbookType runbook() {
    return RunbookType.BACKUP;
  }

  @Override
  public List<String> services() {
    return database == null ? List.of() : List.of(database);
  }

  /** A backup has no severity: nothing waits for an approval. */
  @Override
  public Severity severity() {
    return null;
  }

  @Override
  public String reason() {
    if (reason != null && !reason.isBlank()) {
      return reason;
    }
    return schedule != null ? "scheduled backup (" + schedule + ")" : "backup on demand";
  }

  @Override
  public boolean dryRun() {
    return false;
  }

  @Override
  public String incidentId() {
    return null;
  }

  @Override
  public Instant notBefore() {
    return null;
  }

  @Override
  public String workflowId() {
    return WorkflowIds.forBackup(database, tag);
  }

  @Override
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    Validation.name(p, "database", database);
    Validation.job(p, this, tag);
    return p;
  }
}
