package dev.runbook.worker.schedule;

import com.google.protobuf.ByteString;
import dev.runbook.workflows.DrillScheduleWorkflow;
import dev.runbook.workflows.model.DrillSchedule;
import dev.runbook.workflows.model.WorkflowIds;
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
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each configured drill schedule ({@code drills-<target>}, a {@link DrillScheduleWorkflow})
 * in step with the {@code drills:} section each time a worker process starts, as {@link Schedules}
 * does for the databases: a missing one is started, a changed one replaced, one no longer
 * configured on this task queue stopped, a matching one left alone. A target the workers' catalog
 * refuses for a drill (production, or unknown) never gets one, whatever the file says, and one
 * already running for it is stopped.
 */
public final class DrillSchedules {
  private static final Logger log = LoggerFactory.getLogger(DrillSchedules.class);
  private static final String TYPE = "DrillSchedule";

  /** What one reconciliation did, by target. */
  public record Outcome(List<String> started, List<String> replaced, List<String> unchanged, List<String> stopped,
      Map<String, List<String>> refused) {
    /** One line per target for the process's console. */
    public List<String> lines(Map<String, DrillSchedule> schedules) {
      List<String> lines = new ArrayList<>();
      schedules.forEach((target, s) -> {
        if (refused.containsKey(target)) {
          lines.add("warning: drill schedule of " + target + " not started: " + String.join("; ", refused.get(target)));
          return;
        }
        String what = started.contains(target) ? "started" : replaced.contains(target) ? "replaced (changed)" : "running";
        lines.add("drill schedule of " + target + " " + what + ": " + s.schedule().describe());
      });
      stopped.stream().filter(t -> !refused.containsKey(t))
          .forEach(t -> lines.add("drill schedule of " + t + " stopped: the drill is no longer configured"));
      return lines;
    }
  }

  private final WorkflowClient client;
  private final String taskQueue;
  private final String source;
  private final Function<String, List<String>> targetRefusals;

  /**
   * @param source the configuration file, named when a schedule is replaced or stopped
   * @param targetRefusals why a target may not be drilled (production, unknown); empty when it may
   */
  public DrillSchedules(WorkflowClient client, String taskQueue, String source,
      Function<String, List<String>> targetRefusals) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.source = source;
    this.targetRefusals = targetRefusals;
  }

  public Outcome reconcile(Map<String, DrillSchedule> wanted) {
    List<String> started = new ArrayList<>();
    List<String> replaced = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    Map<String, List<String>> refused = new LinkedHashMap<>();
    Map<String, DrillSchedule> allowed = new LinkedHashMap<>();
    wanted.forEach((target, schedule) -> {
      List<String> why = targetRefusals.apply(target);
      if (why.isEmpty()) {
        allowed.put(target, schedule);
      } else {
        refused.put(target, why);
      }
    });
    allowed.forEach((target, schedule) -> {
      String id = WorkflowIds.forDrillSchedule(target);
      Optional<DrillSchedule> running = running(id);
      if (running.isPresent() && same(running.get(), schedule)) {
        unchanged.add(target);
        return;
      }
      if (running.isPresent()) {
        terminate(id, "the drill schedule changed in " + source + ": now " + schedule.schedule().describe());
        replaced.add(target);
      } else {
        started.add(target);
      }
      start(id, schedule);
    });
    List<String> stopped = new ArrayList<>();
    for (String id : openScheduleIds()) {
      String target = id.substring(WorkflowIds.DRILL_SCHEDULE_PREFIX.length());
      if (!allowed.containsKey(target) && onThisQueue(id)) {
        terminate(id, refused.containsKey(target) ? String.join("; ", refused.get(target))
            : "the drill of " + target + " is no longer in " + source);
        stopped.add(target);
      }
    }
    return new Outcome(started, replaced, unchanged, stopped, refused);
  }

  private static boolean same(DrillSchedule running, DrillSchedule wanted) {
    return running.drill().equals(wanted.drill()) && running.schedule().equals(wanted.schedule());
  }

  private void start(String id, DrillSchedule schedule) {
    DrillScheduleWorkflow w = client.newWorkflowStub(DrillScheduleWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setWorkflowId(id)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setStaticSummary("drill schedule of " + schedule.drill().target() + ": " + schedule.schedule().describe())
        .setStaticDetails("Starts the " + schedule.drill().runbook().id() + " drill of " + schedule.drill().target()
            + " (drills in " + source + "); the worker replaces it when it changes.")
        .build());
    try {
      WorkflowClient.start(w::run, schedule);
      log.info("started {}: {}", id, schedule.schedule().describe());
    } catch (WorkflowExecutionAlreadyStarted anotherWorkerDidIt) {
      log.info("{} was started by another worker meanwhile", id);
    }
  }

  private void terminate(String id, String why) {
    try {
      client.newUntypedWorkflowStub(id).terminate(why);
      log.info("stopped {}: {}", id, why);
    } catch (RuntimeException gone) {
      log.info("{} had already ended: {}", id, gone.getMessage());
    }
  }

  /** The schedule the open run with this ID runs, from its current run's input; empty when none runs. */
  private Optional<DrillSchedule> running(String id) {
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
    return Optional.of(client.getOptions().getDataConverter()
        .fromPayloads(0, Optional.of(input), DrillSchedule.class, DrillSchedule.class));
  }

  private boolean onThisQueue(String id) {
    return describe(id).map(d -> taskQueue.equals(d.getExecutionConfig().getTaskQueue().getName())).orElse(false);
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

  /** The IDs of the open drill schedule runs in the namespace (of every task queue). */
  private List<String> openScheduleIds() {
    List<String> ids = new ArrayList<>();
    ByteString page = ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse r = client.getWorkflowServiceStubs().blockingStub()
          .listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setMaximumPageSize(1000)
              .setNextPageToken(page)
              .build());
      for (WorkflowExecutionInfo i : r.getExecutionsList()) {
        String id = i.getExecution().getWorkflowId();
        if (TYPE.equals(i.getType().getName()) && id.startsWith(WorkflowIds.DRILL_SCHEDULE_PREFIX) && !ids.contains(id)) {
          ids.add(id);
        }
      }
      page = r.getNextPageToken();
    } while (!page.isEmpty());
    return ids;
  }
}
