package dev.runbook.workflows;

import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.FullRollbackResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Every service, the databases and configuration of an environment. */
@WorkflowInterface
public interface FullRollbackWorkflow extends RunbookControl {
  @WorkflowMethod(name = "FullRollback")
  FullRollbackResult rollback(FullRollbackRequest request);
}
