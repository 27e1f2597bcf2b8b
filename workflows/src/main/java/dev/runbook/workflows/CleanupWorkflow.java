package dev.runbook.workflows;

import dev.runbook.workflows.model.CleanupRequest;
import dev.runbook.workflows.model.CleanupResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Retention as a run of its own: what rollbacks and backups left behind, removed when it may go. */
@WorkflowInterface
public interface CleanupWorkflow extends RunbookControl {
  @WorkflowMethod(name = "Cleanup")
  CleanupResult clean(CleanupRequest request);
}
