package dev.runbook.workflows;

import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.DatabaseRollbackResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Database rollback by reverting migrations (no data lost) or restoring a backup. */
@WorkflowInterface
public interface DatabaseRollbackWorkflow extends RunbookControl {
  @WorkflowMethod(name = "DatabaseRollback")
  DatabaseRollbackResult rollback(DatabaseRollbackRequest request);
}
