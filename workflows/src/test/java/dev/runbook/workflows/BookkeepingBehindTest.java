package dev.runbook.workflows;

import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run's bookkeeping does not hold it up (getVersion "bookkeeping-behind"): the end of a step is
 * written to the rollback log while the next step runs, yet the run ends only once the log has
 * every event; after an approval the plan is read again as a local activity, and the next step is
 * scheduled in the same workflow task, before the approval's message and log write. Asking for
 * approval goes behind the run too (version 2): votes count while the request is still being sent,
 * and messages behind the run keep their order.
 */
class BookkeepingBehindTest extends WorkflowTest {

  private WorkflowStub start(Severity severity) {
    return Runs.start(client, queue, new EmergencyRollbackRequest(
        "api", severity, "checkout errors after v2", FakeWorld.REQUESTER, false, null,
        null, false, null, null, Duration.ZERO, null));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The calls of {@code activity}, once there is one (or after 5 s: none). */
  private List<String> awaitCalled(String activity) {
    for (int i = 0; i < 100 && world.calls(activity).isEmpty(); i++) {
      sleep(50);
    }
    return world.calls(activity);
  }

  @Test
  void theNextStepStartsWhileTheLogIsWrittenAndTheRunEndsOnlyOnceTheLogHasEverything() {
    FakeWorld.Hold write = world.hold("Audit.record", AuditEventType.RELEASE_DEPLOYED.name());
    WorkflowStub run = start(Severity.P0);
    write.awaitEntered();
    try {
      assertThat(awaitCalled("Service.verify")).as("the step after the deploy, while its log write is held")
          .isNotEmpty();
      sleep(300);
      assertThat(run.describe().getStatus()).as("the run's end waits for the log")
          .isEqualTo(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
      assertThat(world.audit()).noneMatch(e -> e.type() == AuditEventType.RUN_FINISHED);
    } finally {
      write.release();
    }

    RunReport report = Runs.report(run);
    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    List<AuditEvent> log = world.audit();
    assertThat(log).extracting(AuditEvent::type)
        .contains(AuditEventType.RUN_STARTED, AuditEventType.RELEASE_DEPLOYED, AuditEventType.RUN_FINISHED);
    assertThat(log).extracting(AuditEvent::seq).as("every event once, none missing")
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, log.size()).boxed().toList());
    assertThat(log.stream().filter(e -> e.type() == AuditEventType.STEP_SUCCEEDED).count())
        .isEqualTo(log.stream().filter(e -> e.type() == AuditEventType.STEP_STARTED).count());
  }

  @Test
  void afterTheApprovalThePlanIsReadAgainLocallyAndTheNextStepIsScheduledInTheSameWorkflowTask() {
    WorkflowStub run = start(Severity.P1);
    String hash = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL).pendingApproval().planHash();

    Runs.approve(run, "alice", hash);
    assertThat(Runs.report(run).outcome()).isEqualTo(Phase.SUCCEEDED);

    List<HistoryEvent> events = client.fetchHistory(run.getExecution().getWorkflowId()).getEvents();
    assertThat(events).filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("PlanPlan"))
        .as("the plan read when the run asks, as an activity").hasSize(1);
    assertThat(world.calls("Plan.plan")).as("read when asked, and again once approved").hasSize(2);

    int approved = indexOf(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, 0);
    int nextTask = indexOf(events, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, approved);
    List<HistoryEvent> sameTask = events.subList(approved, nextTask);
    assertThat(sameTask).anySatisfy(e -> assertThat(e.getEventType()).isEqualTo(EventType.EVENT_TYPE_MARKER_RECORDED));
    assertThat(sameTask)
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .extracting(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
        .as("the deploy follows the approval in the same workflow task, the message and the log after it")
        .containsExactly("ServiceDeploy", "NotifySend", "AuditRecord");
  }

  @Test
  void aVoteWhileTheRequestIsBeingSentCountsAtOnceAndTheMessagesAndTheLogKeepTheirOrder() {
    FakeWorld.Hold asking = world.hold("Notify.send", NotificationKind.APPROVAL_REQUESTED.name());
    WorkflowStub run = start(Severity.P1);
    asking.awaitEntered();
    try {
      String hash = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL).pendingApproval().planHash();
      assertThat(Runs.approve(run, "alice", hash).message()).startsWith("approved by alice");
      assertThat(awaitCalled("Service.deploy")).as("the deploy, while the approvers' message is still held")
          .isNotEmpty();
      assertThat(world.notifications()).extracting(n -> n.kind()).as("no message overtakes the one held")
          .containsExactly(NotificationKind.STARTED);
    } finally {
      asking.release();
    }

    assertThat(Runs.report(run).outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.notifications()).extracting(n -> n.kind())
        .containsSubsequence(NotificationKind.APPROVAL_REQUESTED, NotificationKind.APPROVED, NotificationKind.RESOLVED);
    List<AuditEventType> log = world.audit().stream()
        .sorted(java.util.Comparator.comparingLong(AuditEvent::seq)).map(AuditEvent::type).toList();
    assertThat(log).as("the log has the request before the vote")
        .containsSubsequence(AuditEventType.APPROVAL_REQUESTED, AuditEventType.APPROVED, AuditEventType.RUN_FINISHED);
  }

  private static int indexOf(List<HistoryEvent> events, EventType type, int from) {
    for (int i = from; i < events.size(); i++) {
      if (events.get(i).getEventType() == type) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " after event " + from);
  }
}
