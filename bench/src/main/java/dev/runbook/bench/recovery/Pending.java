package dev.runbook.bench.recovery;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.time.Instant;
import java.util.Optional;

/**
 * What the Temporal server itself records about a run's running step (its pending activity:
 * attempt, when that attempt started, on which worker) and about the workers polling a task queue.
 */
final class Pending {
  private final WorkflowClient client;

  Pending(WorkflowClient client) {
    this.client = client;
  }

  /** A started attempt of an activity: its number, when the server handed it out, to whom. */
  record Attempt(int number, Instant started, String worker) {}

  /** The started attempt of activity {@code type} in the run, if one is running now. */
  Optional<Attempt> started(String workflowId, String runId, String type) {
    var response = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
            .build());
    return response.getPendingActivitiesList().stream()
        .filter(a -> a.getActivityType().getName().equals(type))
        .filter(a -> a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
        .findFirst()
        .map(a -> new Attempt(a.getAttempt(),
            Instant.ofEpochSecond(a.getLastStartedTime().getSeconds(), a.getLastStartedTime().getNanos()),
            a.getLastWorkerIdentity()));
  }

  /** The run ID of the newest run of {@code workflowId}. */
  String latestRun(String workflowId) {
    return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build()).getWorkflowExecutionInfo().getExecution().getRunId();
  }

  /** Whether a worker of this process id polls the task queue for activities. */
  boolean polling(String taskQueue, long pid) {
    var response = client.getWorkflowServiceStubs().blockingStub().describeTaskQueue(
        DescribeTaskQueueRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue))
            .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)
            .build());
    return response.getPollersList().stream().anyMatch(p -> pidOf(p.getIdentity()) == pid);
  }

  /** The process id in a worker identity ({@code pid@host}, or {@code NAME/pid@host}). */
  static long pidOf(String identity) {
    String s = identity.substring(identity.lastIndexOf('/') + 1);
    int at = s.indexOf('@');
    try {
      return at < 0 ? -1 : Long.parseLong(s.substring(0, at));
    } catch (NumberFormatException notOurs) {
      return -1;
    }
  }
}
