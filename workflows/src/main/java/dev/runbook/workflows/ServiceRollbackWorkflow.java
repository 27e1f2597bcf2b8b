package dev.runbook.workflows;

import dev.runbook.workflows.model.ServiceStepRequest;
import dev.runbook.workflows.model.ServiceStepResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One service's part of a full rollback, run as a child workflow under the service's own ID
 * ({@code rollback-<service>}), so a full rollback and a service rollback never act on the same
 * service at once. A step that fails for good fails the child; the parent asks the operator.
 */
@WorkflowInterface
public interface ServiceRollbackWorkflow extends RunbookControl {
  @WorkflowMethod(name = "ServiceRollback")
  ServiceStepResult run(ServiceStepRequest request);
}
