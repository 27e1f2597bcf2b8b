package dev.runbook.worker.schedule;

import dev.runbook.workflows.client.OpenExecutions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The long-running schedule workflows of one task queue as Temporal holds them, for {@link
 * Schedules} and {@link DrillSchedules}: each is started the same way, read back from the input
 * its current run started with, and stopped by terminating it, so the two reconcile alike. It logs
 * under the caller's logger, so each line still says which kind of schedule it was.
 */
final class ScheduleRuns {
  private final WorkflowClient client;
  private final String taskQueue;
  private final Logger log;

  ScheduleRuns(WorkflowClient client, String taskQueue, Logger log) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.log = log;
  }

  /**
   * A stub that starts the schedule with this ID on this task queue; a new run may take the ID of
   * one that has ended, never of one still open.
   */
  <W> W stub(Class<W> workflow, String id, String summary, String details) {
    return client.newWorkflowStub(workflow, WorkflowOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setWorkflowId(id)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setStaticSummary(summary)
        .setStaticDetails(details)
        .build());
  }

  /**
   * Runs {@code start} (a start through a {@link #stub}); another worker that started the same ID
   * meanwhile counts as done, since workers that start at once race harmlessly.
   */
  void start(String id, String describe, Runnable start) {
    try {
      start.run();
      log.info("started {}: {}", id, describe);
    } catch (WorkflowExecutionAlreadyStarted anotherWorkerDidIt) {
      log.info("{} was started by another worker meanwhile", id);
    }
  }

  /** Ends the run with this ID, saying why; one that has already ended is left as it is. */
  void terminate(String id, String why) {
    try {
      client.newUntypedWorkflowStub(id).terminate(why);
      log.info("stopped {}: {}", id, why);
    } catch (RuntimeException gone) {
      log.info("{} had already ended: {}", id, gone.getMessage());
    }
  }

  /** The schedule the open run with this ID runs, from its current run's input; empty when none runs. */
  <T> Optional<T> running(String id, Class<T> schedule) {
    Optional<WorkflowExecutionInfo> info = describe(id).map(DescribeWorkflowExecutionResponse::getWorkflowExecutionInfo);
    if (info.isEmpty() || info.get().getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return Optional.empty();
    }
    WorkflowExecution execution = info.get().getExecution();
    HistoryEvent first = client.getWorkflowServiceStubs().blockingStub().getWorkflowExecutionHistory(
        GetWorkflowExecutionHistoryRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(execution)
            .setMaximumPageSize(1)
            .build())
        .getHistory().getEvents(0);
    if (first.getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
      return Optional.empty();
    }
    var input = first.getWorkflowExecutionStartedEventAttributes().getInput();
    return Optional.of(client.getOptions().getDataConverter().fromPayloads(0, Optional.of(input), schedule, schedule));
  }

  /** Whether the run with this ID is on this task queue: only those are this worker's to stop. */
  boolean onThisQueue(String id) {
    return describe(id).map(d -> taskQueue.equals(d.getExecutionConfig().getTaskQueue().getName())).orElse(false);
  }

  /** The IDs of the open runs of this workflow type and ID prefix in the namespace (of every task queue). */
  List<String> openIds(String workflowType, String idPrefix) {
    return OpenExecutions.all(client, workflowType, id -> id.startsWith(idPrefix));
  }

  private Optional<DescribeWorkflowExecutionResponse> describe(String id) {
    try {
      return Optional.of(client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
              .build()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
