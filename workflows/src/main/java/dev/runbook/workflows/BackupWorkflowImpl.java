package dev.runbook.workflows;

import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.engine.AbstractRunbookWorkflow;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.RunbookEngine;
import dev.runbook.workflows.engine.StepPolicy;
import dev.runbook.workflows.model.BackupJobRequest;
import dev.runbook.workflows.model.BackupJobResult;
import dev.runbook.workflows.model.RunReport;
import java.time.Duration;

/**
 * A backup as a job: the same backup activity as a runbook's backup step (pg_dump, verified, its
 * manifest with the database's identity, its row in the rollback log's catalog), in a run of its
 * own that writes the rollback log like a runbook. It takes no approval and waits for nobody:
 * when the backup fails for good (after the activity's retries) the run ends as failed and the
 * team hears of it, once; a success is quiet.
 */
public class BackupWorkflowImpl extends AbstractRunbookWorkflow implements BackupWorkflow {
  static final Duration ETA = Duration.ofMinutes(30);

  private BackupJobRequest request;
  private BackupResult taken;

  public BackupWorkflowImpl() {
    super(RunbookEngine.Mode.JOB);
  }

  @Override
  public BackupJobResult backup(BackupJobRequest request) {
    this.request = request;
    return engine.run(request, ETA, this::execute, this::result);
  }

  private void execute() {
    String database = request.database();
    taken = engine.step(
        "backup",
        "Back up " + database + " with pg_dump and verify it",
        StepPolicy.REQUIRED,
        () -> {
          BackupResult b = engine.databases(ActivityCatalog.LONG)
              .backup(new BackupRequest(database, engine.key("backup"), false));
          engine.detail(b.backupId() + ", " + b.sizeBytes() + " bytes, " + schema(b)
              + (b.reused() ? " (an earlier attempt took it)" : ""));
          engine.moving(null, b.backupId());
          return b;
        });
    engine.outcome("backup " + taken.backupId() + " of " + database + " taken: " + taken.sizeBytes()
        + " bytes, " + schema(taken) + ", verified");
  }

  private static String schema(BackupResult b) {
    return b.schemaVersion() == null ? "schema version unknown (no migrations configured)" : "schema " + b.schemaVersion();
  }

  private BackupJobResult result(RunReport report) {
    return taken == null
        ? new BackupJobResult(report, request.database(), null, 0, null, null)
        : new BackupJobResult(report, request.database(), taken.backupId(), taken.sizeBytes(),
            taken.schemaVersion(), taken.createdAt());
  }
}
