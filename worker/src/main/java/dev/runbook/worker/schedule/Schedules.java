package dev.runbook.worker.schedule;

import dev.runbook.activities.database.DatabaseSettings;
import dev.runbook.workflows.DatabaseScheduleWorkflow;
import dev.runbook.workflows.model.DatabaseSchedule;
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
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each configured database's schedule run ({@code schedule-<database>}, a {@link
 * DatabaseScheduleWorkflow}) in step with the configuration, each time a worker process starts:
 * one that is missing is started; one whose jobs or times differ from the configuration (read
 * from its current run's input in Temporal) is replaced; one of a database no longer configured
 * on this task queue is stopped; one that matches is left alone, so a restart never interrupts a
 * schedule or starts a job twice. Workers that start at once race harmlessly: a second start of
 * the same ID is refused by Temporal and counts as done. A job under way when its schedule is
 * replaced or stopped finishes (the schedule abandons its child runs).
 *
 * <p>Temporal is the record of which schedules exist; the legacy open-executions listing, which
 * the real server and the Java test server both answer, finds the ones to stop.
 */
public final class Schedules {
  private static final Logger log = LoggerFactory.getLogger(Schedules.class);
  private static final String TYPE = "DatabaseSchedule";

  /** What one reconciliation did, by database. */
  public record Outcome(List<String> started, List<String> replaced, List<String> unchanged, List<String> stopped) {
    /** One line per database for the process's console. */
    public List<String> lines(Map<String, DatabaseSchedule> schedules) {
      List<String> lines = new ArrayList<>();
      schedules.forEach((db, s) -> {
        String what = started.contains(db) ? "started" : replaced.contains(db) ? "replaced (changed)" : "running";
        lines.add("schedule of " + db + " " + what + ": " + s.describe());
      });
      stopped.forEach(db -> lines.add("schedule of " + db + " stopped: the database is no longer configured"));
      return lines;
    }
  }

  private final WorkflowClient client;
  private final String taskQueue;
  private final String source;

  /**
   * @param source the configuration file, named when a schedule is replaced or stopped
   */
  public Schedules(WorkflowClient client, String taskQueue, String source) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.source = source;
  }

  /** The schedule each configured database runs. */
  public static Map<String, DatabaseSchedule> of(Map<String, DatabaseSettings> databases) {
    Map<String, DatabaseSchedule> out = new LinkedHashMap<>();
    databases.forEach((name, settings) -> out.put(name, settings.schedule(name)));
    return out;
  }

  public Outcome reconcile(Map<String, DatabaseSchedule> wanted) {
    List<String> started = new ArrayList<>();
    List<String> replaced = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    wanted.forEach((db, schedule) -> {
      String id = WorkflowIds.forSchedule(db);
      Optional<DatabaseSchedule> running = running(id);
      if (running.isPresent() && running.get().sameAs(schedule)) {
        unchanged.add(db);
        return;
      }
      if (running.isPresent()) {
        terminate(id, "the schedule changed in " + source + ": now " + schedule.describe());
        replaced.add(db);
      } else {
        started.add(db);
      }
      start(id, schedule);
    });
    List<String> stopped = new ArrayList<>();
    for (String id : openScheduleIds()) {
      String db = id.substring(WorkflowIds.SCHEDULE_PREFIX.length());
      if (!wanted.containsKey(db) && onThisQueue(id)) {
        terminate(id, "databases." + db + " is no longer in " + source);
        stopped.add(db);
      }
    }
    return new Outcome(started, replaced, unchanged, stopped);
  }

  private void start(String id, DatabaseSchedule schedule) {
    DatabaseScheduleWorkflow w = client.newWorkflowStub(DatabaseScheduleWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setWorkflowId(id)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setStaticSummary("schedule of " + schedule.database() + ": " + schedule.describe())
        .setStaticDetails("Starts the scheduled backups and cleanups of databases." + schedule.database() + " ("
            + source + "); the worker replaces it when they change.")
        .build());
    try {
      WorkflowClient.start(w::run, schedule);
      log.info("started {}: {}", id, schedule.describe());
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
  private Optional<DatabaseSchedule> running(String id) {
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
        .fromPayloads(0, Optional.of(input), DatabaseSchedule.class, DatabaseSchedule.class));
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

  /** The IDs of the open schedule runs in the namespace (of every task queue). */
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
        if (TYPE.equals(i.getType().getName()) && id.startsWith(WorkflowIds.SCHEDULE_PREFIX) && !ids.contains(id)) {
          ids.add(id);
        }
      }
      page = r.getNextPageToken();
    } while (!page.isEmpty());
    return ids;
  }
}
