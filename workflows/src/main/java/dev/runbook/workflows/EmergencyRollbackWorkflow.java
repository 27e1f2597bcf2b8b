package dev.runbook.workflows;

import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Application rollback, optionally with its schema change, then a monitoring period. */
@WorkflowInterface
public interface EmergencyRollbackWorkflow extends RunbookControl {
  @WorkflowMethod(name = "EmergencyRollback")
  EmergencyRollbackResult rollback(EmergencyRollbackRequest request);
}
