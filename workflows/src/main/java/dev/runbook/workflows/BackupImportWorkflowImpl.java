package dev.runbook.workflows;

import dev.runbook.workflows.activities.DatabaseActivities;
import dev.runbook.workflows.activities.DatabaseActivities.ImportRequest;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.model.BackupImportRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;

/**
 * The import is a workflow of its own, not a call the API makes itself: the file is on the
 * workers' disks (where the database or backup host is), not the API's, and a long check of a
 * large dump heartbeats and moves to another worker if this one dies, as backups and restores
 * do. It is not a runbook: nothing to approve, nobody to notify, no rollback log entry; the
 * backup it records is the trace. A failure (a truncated or foreign file) ends it failed with
 * the activity's message, which the caller passes on.
 */
public class BackupImportWorkflowImpl implements BackupImportWorkflow {
  @Override
  public ImportResult importBackup(BackupImportRequest request) {
    ActivityOptions options = ActivityOptions.newBuilder(ActivityCatalog.LONG)
        .setSummary("import " + request.file() + " as a backup of " + request.database())
        .build();
    DatabaseActivities db = Workflow.newActivityStub(DatabaseActivities.class, options);
    // <workflowId>/<run>/<step>, as runbooks' keys are: the backup's origin names the run and step.
    String key = Workflow.getInfo().getWorkflowId() + "/" + Workflow.getInfo().getRunId().substring(0, 8) + "/import";
    return db.importBackup(new ImportRequest(request.database(), request.file(), request.importedBy(), key, false));
  }
}
