package dev.runbook.workflows;

import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static dev.runbook.workflows.testing.Runs.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a run answers (receipts, refusals, messages, rollback-log events) says what is true at
 * that moment, also in the windows where the run has settled something but not yet acted on it:
 * the last approval counted while the team is being told, a rejection or cancel while the run
 * ends. Each window is held open by holding the message the run sends in it.
 */
class TruthfulAnswersTest extends WorkflowTest {

  private WorkflowStub start(Severity severity, String toVersion, Duration monitorFor) {
    return Runs.start(client, queue, new EmergencyRollbackRequest(
        "api", severity, "checkout errors after v2", FakeWorld.REQUESTER, false, null,
        toVersion, false, null, null, monitorFor, null));
  }

  /** The refusal an update got, as "KIND: reason". */
  private static String refusal(Runnable update) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(update::run);
    assertThat(t).isInstanceOf(WorkflowUpdateException.class).hasCauseInstanceOf(ApplicationFailure.class);
    return ((ApplicationFailure) t.getCause()).getOriginalMessage();
  }

  @Test
  void theLastApprovalMovesThePhaseOnAtOnceAndALateVoteIsToldTheRunIsApproved() {
    FakeWorld.Hold telling = world.hold("Notify.send", "APPROVED");
    WorkflowStub run = start(Severity.P1, null, Duration.ZERO);
    RunStatus asked = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    Receipt receipt = Runs.approve(run, "alice");
    assertThat(receipt.message())
        .isEqualTo("approved by alice for plan " + asked.pendingApproval().planHash().substring(0, 12) + "; the run goes on");
    assertThat(receipt.phase()).isEqualTo(Phase.EXECUTING);

    telling.awaitEntered();
    RunStatus s = status(run);
    assertThat(s.phase()).isEqualTo(Phase.EXECUTING);
    assertThat(s.pendingApproval()).isNull();
    assertThat(s.waitingFor()).isNull();
    assertThat(refusal(() -> Runs.approve(run, "bob")))
        .isEqualTo(RefusalKind.NOT_WAITING.message("the run is already approved by alice and goes on (phase: executing)"));
    telling.release();

    assertThat(Runs.report(run).outcome()).isEqualTo(Phase.SUCCEEDED);
  }

  @Test
  void aVoteWhileARejectedRunEndsSaysItIsEndingAndWhy() {
    FakeWorld.Hold ending = world.hold("Notify.send", "REJECTED");
    WorkflowStub run = start(Severity.P1, null, Duration.ZERO);
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    Receipt receipt = Runs.reject(run, "alice", "fix forward instead");
    assertThat(receipt.phase()).isEqualTo(Phase.REJECTED);
    assertThat(receipt.message()).isEqualTo("rejected by alice; the run ends");

    ending.awaitEntered();
    assertThat(status(run).pendingApproval()).isNull();
    assertThat(refusal(() -> Runs.approve(run, "bob"))).isEqualTo(RefusalKind.NOT_WAITING.message(
        "the run is ending as rejected (rejected by alice: fix forward instead): votes no longer count"));
    assertThat(refusal(() -> Runs.cancel(run, "bob"))).isEqualTo(RefusalKind.NOT_WAITING.message(
        "the run is already ending as rejected (rejected by alice: fix forward instead): there is nothing left"
            + " to cancel"));
    ending.release();

    assertThat(Runs.report(run).outcome()).isEqualTo(Phase.REJECTED);
  }

  @Test
  void votesAndDecisionsOnARunBeingCancelledAreToldSoAndDoNotCount() {
    FakeWorld.Hold ending = world.hold("Notify.send", "CANCELLED");
    WorkflowStub run = start(Severity.P1, null, Duration.ZERO);
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    Receipt receipt = Runs.cancel(run, FakeWorld.REQUESTER);
    assertThat(receipt.phase()).isEqualTo(Phase.CANCELLED);

    ending.awaitEntered();
    RunStatus s = status(run);
    assertThat(s.pendingApproval()).isNull();
    assertThat(s.waitingFor()).isNull();
    assertThat(refusal(() -> Runs.approve(run, "alice")))
        .isEqualTo(RefusalKind.NOT_WAITING.message("the run is being cancelled by erin: votes no longer count"));
    assertThat(refusal(() -> Runs.decide(run, DecisionAction.RETRY, "alice")))
        .isEqualTo(RefusalKind.NOT_WAITING.message("the run is being cancelled by erin: there is nothing left to decide"));
    ending.release();

    assertThat(Runs.report(run).outcome()).isEqualTo(Phase.CANCELLED);
    assertThat(status(run).actions()).noneMatch(a -> a.action().equals("approved"));
  }

  @Test
  void aRunThatAsksNoApprovalSaysWhyAVoteDoesNotCount() {
    WorkflowStub run = start(Severity.P0, null, Duration.ofMinutes(3));
    awaitPhase(testEnv, run, Phase.MONITORING);

    assertThat(refusal(() -> Runs.approve(run, "alice")))
        .isEqualTo(RefusalKind.NOT_WAITING.message("the run needs no approval: no approval needed at P0 (phase: monitoring)"));
  }

  @Test
  void aFailedStepThatOnlyAllowsRetryAndAbortOffersOnlyThoseAndTheReceiptNamesTheNextPhase() {
    WorkflowStub run = start(Severity.P0, "v9", Duration.ZERO);
    RunStatus s = awaitPhase(testEnv, run, Phase.NEEDS_DECISION);

    assertThat(s.pendingDecision().options()).containsExactly(DecisionAction.RETRY, DecisionAction.ABORT);
    Notification asked = world.notifications().stream()
        .filter(n -> n.kind() == NotificationKind.NEEDS_DECISION).findFirst().orElseThrow();
    assertThat(asked.options()).containsExactly(DecisionAction.RETRY, DecisionAction.ABORT);
    assertThat(asked.detail()).startsWith("step resolve-target failed: ").doesNotContain("skip");

    Receipt abort = Runs.decide(run, DecisionAction.ABORT, FakeWorld.REQUESTER);
    assertThat(abort.phase()).isEqualTo(Phase.ABORTED);
    assertThat(abort.message()).isEqualTo("abort resolve-target as erin decided");
    assertThat(Runs.report(run).outcome()).isEqualTo(Phase.ABORTED);
  }

  @Test
  void theRollbackLogLearnsFromAndToWithTheStepThatFoundThemAndThatTheRunOnlyMonitors() {
    WorkflowStub run = start(Severity.P0, null, Duration.ofMinutes(3));
    awaitPhase(testEnv, run, Phase.MONITORING);

    // Written while the run goes on (behind it: the write after a step does not hold up the next).
    Runs.awaitLogged(world, AuditEventType.ROLLBACK_APPLIED);
    assertThat(world.calls("Audit.record"))
        .anySatisfy(c -> assertThat(c).contains("TARGET_RESOLVED").doesNotContain("ROLLBACK_APPLIED"))
        .anySatisfy(c -> assertThat(c).contains("ROLLBACK_APPLIED"));
    assertThat(world.audit()).filteredOn(e -> e.type() == AuditEventType.TARGET_RESOLVED)
        .singleElement().satisfies(e -> {
          assertThat(e.step()).isEqualTo("resolve-target");
          assertThat(e.data()).isEqualTo(Map.of("from", "v2", "to", "v1"));
        });
    assertThat(world.audit()).filteredOn(e -> e.type() == AuditEventType.ROLLBACK_APPLIED)
        .singleElement().satisfies(e -> assertThat(e.data())
            .isEqualTo(Map.of("from", "v2", "to", "v1", "monitorFor", "PT3M")));
    assertThat(world.audit()).noneMatch(e -> e.type() == AuditEventType.RUN_FINISHED);

    Runs.cancel(run, FakeWorld.REQUESTER);
    assertThat(Runs.report(run).outcome()).isEqualTo(Phase.SUCCEEDED);
  }

  @Test
  void aRetryReceiptNamesThePhaseTheRunGoesBackTo() {
    WorkflowStub run = start(Severity.P0, "v9", Duration.ZERO);
    awaitPhase(testEnv, run, Phase.NEEDS_DECISION);

    Receipt retry = Runs.decide(run, DecisionAction.RETRY, FakeWorld.REQUESTER);
    assertThat(retry.phase()).isEqualTo(Phase.EXECUTING);
    assertThat(retry.message()).isEqualTo("retry resolve-target as erin decided");
    awaitPhase(testEnv, run, Phase.NEEDS_DECISION);
    Runs.decide(run, DecisionAction.ABORT, FakeWorld.REQUESTER);
    assertThat(Runs.report(run).outcome()).isEqualTo(Phase.ABORTED);
  }
}
