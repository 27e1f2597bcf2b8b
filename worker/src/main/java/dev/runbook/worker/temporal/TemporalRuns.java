package dev.runbook.worker.temporal;

import dev.runbook.activities.database.LoggedRunLiveness;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.util.Optional;

/** What the Temporal server says of a run: still running, ended, or unknown to it. */
public final class TemporalRuns implements LoggedRunLiveness.Server {
  private final WorkflowClient client;

  public TemporalRuns(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public Optional<Boolean> running(String workflowId, String runId) {
    WorkflowExecution.Builder execution = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
    if (runId != null) {
      execution.setRunId(runId);
    }
    try {
      var info = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(execution)
              .build())
          .getWorkflowExecutionInfo();
      return Optional.of(info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
