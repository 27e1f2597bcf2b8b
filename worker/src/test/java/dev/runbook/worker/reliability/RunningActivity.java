package dev.runbook.worker.reliability;

import dev.runbook.worker.temporal.TemporalConnection;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;

/** Which worker runs an activity of a run (or of its child workflows) now, as Temporal describes it. */
final class RunningActivity {
  private RunningActivity() {}

  /** @return the worker's name (identity up to the '/'), or null when no such activity runs */
  static String worker(TemporalConnection temporal, String workflowId, String activityType) {
    DescribeWorkflowExecutionResponse d = temporal.service().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
    for (var a : d.getPendingActivitiesList()) {
      if (a.getActivityType().getName().equals(activityType) && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) {
        String id = a.getLastWorkerIdentity();
        return id.contains("/") ? id.substring(0, id.indexOf('/')) : id;
      }
    }
    for (var c : d.getPendingChildrenList()) {
      String w = worker(temporal, c.getWorkflowId(), activityType);
      if (w != null) {
        return w;
      }
    }
    return null;
  }
}
