package dev.runbook.workflows;

import dev.runbook.workflows.model.BackupJobRequest;
import dev.runbook.workflows.model.BackupJobResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A backup of one database as a run of its own: on demand, or when the database's schedule fires. */
@WorkflowInterface
public interface BackupWorkflow extends RunbookControl {
  @WorkflowMethod(name = "Backup")
  BackupJobResult backup(BackupJobRequest request);
}
