package dev.runbook.starter.client;

import dev.runbook.workflows.model.PendingActivity;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.PendingChildExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Adds to a run's status what only the server knows of its running step: the activity in flight,
 * its attempt, when the next try comes and what the last one failed with (DescribeWorkflowExecution,
 * pending activities). A full rollback's step waits for a child run; its activity is the child's.
 *
 * <p>The real server reports the next try's time. The Java test server (the embedded one of
 * {@code runbook dev}) does not: there it is worked out the way that server schedules it, from
 * the end of the failed attempt and the retry policy the activity was scheduled with.
 */
final class PendingActivities {
  private static final int MAX_ERROR = 300;

  private final WorkflowClient client;

  PendingActivities(WorkflowClient client) {
    this.client = client;
  }

  /** The status with the running step's activity in flight, or as it was when nothing runs. */
  RunStatus addTo(RunStatus s) {
    if (s.phase() == null || s.phase().terminal() || s.currentStep() == null) {
      return s;
    }
    StepStatus running = s.steps().stream()
        .filter(st -> st.id().equals(s.currentStep()) && st.state() == StepState.RUNNING)
        .findFirst().orElse(null);
    if (running == null) {
      return s;
    }
    PendingActivity activity = inFlight(WorkflowExecution.newBuilder().setWorkflowId(s.workflowId()).build());
    if (activity == null) {
      return s;
    }
    List<StepStatus> steps = new ArrayList<>(s.steps());
    steps.replaceAll(st -> st == running ? st.with(activity) : st);
    return new RunStatus(
        s.workflowId(), s.runbook(), s.severity(), s.services(), s.reason(), s.requestedBy(),
        s.incidentId(), s.dryRun(), s.phase(), s.currentStep(), s.waitingFor(), s.startedAt(),
        s.finishedAt(), List.copyOf(steps), s.pendingApproval(), s.pendingDecision(), s.actions(),
        s.outcomeMessage(), s.armed());
  }

  /** The activity the execution (or the child run it waits for) has in flight, the most telling first. */
  private PendingActivity inFlight(WorkflowExecution execution) {
    DescribeWorkflowExecutionResponse d = describe(execution);
    WorkflowExecution owner = d.getWorkflowExecutionInfo().getExecution();
    List<PendingActivityInfo> pending = d.getPendingActivitiesList();
    if (pending.isEmpty() && d.getPendingChildrenCount() > 0) {
      PendingChildExecutionInfo child = d.getPendingChildren(0);
      owner = WorkflowExecution.newBuilder().setWorkflowId(child.getWorkflowId()).setRunId(child.getRunId()).build();
      pending = describe(owner).getPendingActivitiesList();
    }
    PendingActivityInfo a = pending.stream()
        .max(Comparator.comparingInt(PendingActivityInfo::getAttempt)
            .thenComparing(PendingActivityInfo::hasLastFailure))
        .orElse(null);
    return a == null ? null : toModel(a, owner);
  }

  private DescribeWorkflowExecutionResponse describe(WorkflowExecution execution) {
    return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(execution)
            .build());
  }

  private PendingActivity toModel(PendingActivityInfo a, WorkflowExecution owner) {
    Instant started = a.hasLastStartedTime() ? instant(a.getLastStartedTime()) : null;
    Instant ended = a.hasLastAttemptCompleteTime() ? instant(a.getLastAttemptCompleteTime()) : null;
    // The real server says SCHEDULED between attempts; the test server keeps saying STARTED once
    // the first attempt started, so there the failed attempt's end after its start says it.
    boolean waiting = a.getAttempt() > 1
        && (a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED
            || (ended != null && (started == null || !ended.isBefore(started))));
    return new PendingActivity(
        a.getActivityType().getName(),
        owner.getWorkflowId(),
        a.getAttempt(),
        a.getMaximumAttempts(),
        waiting,
        waiting ? nextAttempt(a, ended, owner) : null,
        a.hasLastFailure() ? describe(a.getLastFailure()) : null,
        a.hasLastFailure() ? ended : null,
        started,
        a.hasLastHeartbeatTime() ? instant(a.getLastHeartbeatTime()) : null);
  }

  private Instant nextAttempt(PendingActivityInfo a, Instant failedAt, WorkflowExecution owner) {
    if (a.hasNextAttemptScheduleTime()) {
      return instant(a.getNextAttemptScheduleTime());
    }
    if (failedAt == null) {
      return null;
    }
    if (a.hasLastFailure() && a.getLastFailure().hasApplicationFailureInfo()
        && a.getLastFailure().getApplicationFailureInfo().hasNextRetryDelay()) {
      return failedAt.plus(duration(a.getLastFailure().getApplicationFailureInfo().getNextRetryDelay()));
    }
    RetryPolicy policy = scheduledWith(owner, a.getActivityId());
    return policy == null ? null : failedAt.plus(backoff(policy, a.getAttempt() - 1));
  }

  /**
   * The wait after attempt {@code failed} failed: the initial interval times the coefficient for
   * each earlier failure, capped at the maximum interval.
   */
  static Duration backoff(RetryPolicy policy, int failed) {
    double millis = duration(policy.getInitialInterval()).toMillis()
        * Math.pow(policy.getBackoffCoefficient(), Math.max(0, failed - 1));
    long max = duration(policy.getMaximumInterval()).toMillis();
    return Duration.ofMillis(max > 0 ? Math.min((long) millis, max) : (long) millis);
  }

  /** The retry policy the activity was scheduled with, from the run's history. */
  private RetryPolicy scheduledWith(WorkflowExecution owner, String activityId) {
    var history = owner.getRunId().isEmpty()
        ? client.fetchHistory(owner.getWorkflowId())
        : client.fetchHistory(owner.getWorkflowId(), owner.getRunId());
    for (HistoryEvent e : history.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && e.getActivityTaskScheduledEventAttributes().getActivityId().equals(activityId)) {
        return e.getActivityTaskScheduledEventAttributes().getRetryPolicy();
      }
    }
    return null;
  }

  /** A failure as a person reads it, on one line: the innermost message and its type. */
  static String describe(Failure failure) {
    Failure f = failure;
    while (f.hasCause()) {
      f = f.getCause();
    }
    String text;
    if (f.hasTimeoutFailureInfo()) {
      text = "timed out ("
          + f.getTimeoutFailureInfo().getTimeoutType().name().replace("TIMEOUT_TYPE_", "")
              .toLowerCase(Locale.ROOT).replace('_', '-') + ")";
    } else if (f.hasCanceledFailureInfo()) {
      text = "cancelled";
    } else {
      text = f.getMessage().strip().replaceAll("\\s*\\R\\s*", " / ");
      if (text.length() > MAX_ERROR) {
        text = text.substring(0, MAX_ERROR - 3) + "...";
      }
      String type = f.hasApplicationFailureInfo() ? f.getApplicationFailureInfo().getType() : "";
      if (!type.isEmpty()) {
        text += " [" + type + "]";
      }
    }
    return text;
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }
}
