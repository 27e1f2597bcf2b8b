package dev.runbook.workflows;

import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.model.BackupImportRequest;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Imports a dump file people already have as a backup of a configured database: one activity on
 * a worker that can read the file, retried there after a crash like any other step.
 */
@WorkflowInterface
public interface BackupImportWorkflow {
  @WorkflowMethod(name = "BackupImport")
  ImportResult importBackup(BackupImportRequest request);
}
