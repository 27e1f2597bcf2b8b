package dev.runbook.workflows;

import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static dev.runbook.workflows.testing.Runs.report;
import static dev.runbook.workflows.testing.Runs.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.engine.RunbookSearchAttributes;
import dev.runbook.workflows.model.AlertRef;
import dev.runbook.workflows.model.DisarmRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Armed runs (the RachelFoods matrix: "roll back if not fixable in 15 min"): the run tells the
 * team, shows its countdown, and goes ahead when the window ends, unless a person disarms it, the
 * alert that armed it resolves, an approver rejects it, or someone cancels it. Nothing changes
 * during the window.
 */
class ArmedRunsTest extends WorkflowTest {
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final AlertRef ALERT = new AlertRef("high-error-rate", "HighErrorRate", "c2f1a9");

  private static EmergencyRollbackRequest emergency(Severity severity, boolean dryRun, AlertRef alert) {
    return new EmergencyRollbackRequest("api", severity, "error rate 12% on api", FakeWorld.REQUESTER, dryRun,
        null, null, false, null, null, Duration.ZERO, null, false, WINDOW, alert, false, false);
  }

  private WorkflowStub start(EmergencyRollbackRequest r) {
    return Runs.start(client, queue, r);
  }

  private List<NotificationKind> kinds() {
    return world.notifications().stream().map(Notification::kind).toList();
  }

  private String refusal(Runnable update) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(update::run);
    assertThat(t).isInstanceOf(WorkflowUpdateException.class).hasCauseInstanceOf(ApplicationFailure.class);
    return ((ApplicationFailure) t.getCause()).getOriginalMessage();
  }

  private void assertNothingChanged() {
    assertThat(world.calls("Service.deploy")).isEmpty();
    assertThat(world.mutations()).isZero();
    assertThat(world.services.get("api").version).isEqualTo("v2");
  }

  @Test
  void anArmedRunShowsItsCountdownAndGoesAheadWhenTheWindowEnds() {
    Instant started = Runs.now(testEnv);
    WorkflowStub run = start(emergency(Severity.P0, false, null));

    RunStatus armed = awaitPhase(testEnv, run, Phase.ARMED);
    assertThat(armed.armed()).isNotNull();
    assertThat(armed.armed().window()).isEqualTo(WINDOW);
    assertThat(armed.armed().armedBy()).isEqualTo(FakeWorld.REQUESTER);
    assertThat(armed.armed().plan()).isEqualTo("api v2 -> v1");
    assertThat(Duration.between(started, armed.armed().endsAt())).isBetween(WINDOW, WINDOW.plusSeconds(5));
    assertThat(armed.waitingFor()).startsWith("the armed window to end at " + Shown.time(armed.armed().endsAt()))
        .endsWith("then api v2 -> v1 unless disarmed");
    assertThat(armed.steps()).extracting(StepStatus::id)
        .containsExactly("load-policy", "capture-evidence", "resolve-target", "armed", "approval");
    assertThat(armed.steps().get(3).state()).isEqualTo(StepState.RUNNING);
    assertThat(world.calls("Service.deploy")).isEmpty();
    // The team is told what goes ahead and when; nobody is told a rollback is in progress yet.
    assertThat(kinds()).containsExactly(NotificationKind.ARMED);
    Notification told = world.notifications().get(0);
    assertThat(told.detail()).isEqualTo("api v2 -> v1");
    assertThat(told.armed().endsAt()).isEqualTo(armed.armed().endsAt());
    // Temporal UI: the Phase search attribute, the current details and the timer's summary.
    assertThat(run.describe().getTypedSearchAttributes().get(RunbookSearchAttributes.PHASE)).isEqualTo("armed");
    String details = client.newUntypedWorkflowStub(run.getExecution().getWorkflowId())
        .query(WorkflowClient.QUERY_TYPE_WORKFLOW_METADATA, WorkflowMetadata.class).getCurrentDetails();
    assertThat(details).contains("**Armed** by " + FakeWorld.REQUESTER + ": api v2 -> v1 at " + Shown.time(armed.armed().endsAt()))
        .contains("runbook disarm rollback-api");
    assertThat(timerSummaries(run)).containsExactly("armed: api v2 -> v1 at " + armed.armed().endsAt() + " unless disarmed");

    testEnv.sleep(WINDOW.minusMinutes(1));
    assertThat(status(run).phase()).isEqualTo(Phase.ARMED);
    assertThat(world.calls("Service.deploy")).isEmpty();

    RunReport report = report(run);
    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.services.get("api").version).isEqualTo("v1");
    assertThat(report.steps()).extracting(StepStatus::id).containsSubsequence("armed", "notify-started", "deploy");
    assertThat(report.steps()).filteredOn(s -> s.id().equals("armed")).singleElement().satisfies(s -> {
      assertThat(s.state()).isEqualTo(StepState.SUCCEEDED);
      assertThat(s.detail()).isEqualTo("no fix within 15m: going ahead with api v2 -> v1");
      assertThat(Duration.between(s.startedAt(), s.finishedAt())).isBetween(WINDOW, WINDOW.plusSeconds(1));
    });
    assertThat(kinds()).containsSubsequence(NotificationKind.ARMED, NotificationKind.STARTED, NotificationKind.RESOLVED);
    assertThat(world.notifications()).filteredOn(n -> n.kind() == NotificationKind.STARTED).singleElement()
        .satisfies(n -> assertThat(n.detail()).endsWith("from v2 to v1: its armed window of 15m ended without a fix"));
    assertThat(world.audit()).extracting(AuditEvent::type).contains(AuditEventType.ARMED);
  }

  @Test
  void aPersonDisarmsItInTheWindowAndNothingIsDeployed() {
    WorkflowStub run = start(emergency(Severity.P1, false, null));
    RunStatus armed = awaitPhase(testEnv, run, Phase.ARMED);
    // A P1 run asks its approvers at once; their clock starts when the window ends.
    assertThat(kinds()).containsExactly(NotificationKind.ARMED, NotificationKind.APPROVAL_REQUESTED);
    assertThat(world.notifications().get(1).detail()).contains("the armed rollback is due at " + Shown.time(armed.armed().endsAt()));
    assertThat(armed.pendingApproval().nextEscalationAt()).isEqualTo(armed.armed().endsAt().plus(Duration.ofMinutes(15)));
    assertThat(armed.pendingApproval().abortsAt()).isEqualTo(armed.armed().endsAt().plus(Duration.ofHours(1)));
    testEnv.sleep(Duration.ofMinutes(4));

    Receipt receipt = Runs.disarm(run, DisarmRequest.byPerson("bob", "fixed forward in 2.5.1"));
    assertThat(receipt.phase()).isEqualTo(Phase.DISARMED);
    assertThat(receipt.message()).isEqualTo("disarmed: nothing was changed and the rollback will not happen; the run ends");
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.DISARMED);
    assertThat(report.message()).isEqualTo("disarmed by bob: fixed forward in 2.5.1; nothing was changed");
    assertNothingChanged();
    assertThat(report.steps()).filteredOn(s -> s.id().equals("approval")).singleElement()
        .satisfies(s -> assertThat(s.state()).isEqualTo(StepState.SKIPPED));
    assertThat(report.actions()).anySatisfy(a -> {
      assertThat(a.actor()).isEqualTo("bob");
      assertThat(a.action()).isEqualTo("disarmed");
      assertThat(a.detail()).isEqualTo("fixed forward in 2.5.1");
    });
    assertThat(kinds()).containsExactly(
        NotificationKind.ARMED, NotificationKind.APPROVAL_REQUESTED, NotificationKind.DISARMED);
    assertThat(world.notifications().get(2).detail()).isEqualTo(report.message());
    assertThat(world.audit()).filteredOn(e -> e.type() == AuditEventType.DISARMED).singleElement().satisfies(e -> {
      assertThat(e.actor()).isEqualTo("bob");
      assertThat(e.data()).containsEntry("by", "person");
    });
    assertThat(world.audit()).filteredOn(e -> e.type() == AuditEventType.RUN_FINISHED).singleElement()
        .satisfies(e -> assertThat(e.data()).containsEntry("outcome", "disarmed"));
  }

  @Test
  void aRunApprovedInTheWindowAndThenDisarmedSaysTheApprovalWasNotUsed() {
    WorkflowStub run = start(emergency(Severity.P1, false, null));
    awaitPhase(testEnv, run, Phase.ARMED);
    Runs.approve(run, "alice");
    Runs.disarm(run, DisarmRequest.byPerson("bob", "fixed forward"));

    RunReport report = report(run);
    assertThat(report.outcome()).isEqualTo(Phase.DISARMED);
    assertThat(report.steps()).filteredOn(s -> s.id().equals("approval")).singleElement().satisfies(s -> {
      assertThat(s.state()).isEqualTo(StepState.SKIPPED);
      assertThat(s.detail()).isEqualTo("approved by alice; not used: the run was disarmed");
    });
    assertNothingChanged();
  }

  @Test
  void theResolvedAlertThatArmedItDisarmsItAndAnotherAlertDoesNot() {
    WorkflowStub run = start(emergency(Severity.P0, false, ALERT));
    RunStatus armed = awaitPhase(testEnv, run, Phase.ARMED);
    assertThat(armed.armed().alert()).isEqualTo(ALERT);
    assertThat(armed.armed().by()).isEqualTo("the alert HighErrorRate (route high-error-rate, fingerprint c2f1a9)");

    String other = refusal(() -> Runs.disarm(run,
        new DisarmRequest("alertmanager", null, new AlertRef("high-error-rate", "HighErrorRate", "77aa01"))));
    assertThat(RefusalKind.parse(other).kind()).isEqualTo(RefusalKind.NOT_ALLOWED);
    assertThat(RefusalKind.parse(other).reason()).isEqualTo("the run was armed by the alert HighErrorRate"
        + " (route high-error-rate, fingerprint c2f1a9); the resolved alert HighErrorRate (route high-error-rate,"
        + " fingerprint 77aa01) is another one");
    assertThat(status(run).phase()).isEqualTo(Phase.ARMED);

    Receipt receipt = Runs.disarm(run, new DisarmRequest("alertmanager", null, ALERT));
    assertThat(receipt.phase()).isEqualTo(Phase.DISARMED);
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.DISARMED);
    assertThat(report.message()).isEqualTo(
        "disarmed by the alert HighErrorRate (route high-error-rate, fingerprint c2f1a9) resolving; nothing was changed");
    assertNothingChanged();
    assertThat(kinds()).containsExactly(NotificationKind.ARMED, NotificationKind.DISARMED);
    assertThat(world.audit()).filteredOn(e -> e.type() == AuditEventType.DISARMED).singleElement().satisfies(e -> {
      assertThat(e.actor()).isEqualTo("alertmanager");
      assertThat(e.data()).containsEntry("by", "alert").containsEntry("fingerprint", "c2f1a9")
          .containsEntry("route", "high-error-rate");
    });
  }

  @Test
  void aRunArmedByAPersonIsNotDisarmedByAnAlertAndAfterTheWindowNothingDisarms() {
    WorkflowStub run = start(emergency(Severity.P1, false, null));
    awaitPhase(testEnv, run, Phase.ARMED);
    String byAlert = refusal(() -> Runs.disarm(run, new DisarmRequest("alertmanager", null, ALERT)));
    assertThat(byAlert).isEqualTo("NOT_ALLOWED: the run was armed by erin, not by an alert: a resolved alert"
        + " does not disarm it (a person does, with runbook disarm)");

    testEnv.sleep(WINDOW.plusMinutes(1));
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    String late = refusal(() -> Runs.disarm(run, DisarmRequest.byPerson("bob", "fixed")));
    assertThat(RefusalKind.parse(late).kind()).isEqualTo(RefusalKind.NOT_WAITING);
    assertThat(RefusalKind.parse(late).reason()).startsWith("the armed window ended at ")
        .endsWith("and the rollback goes ahead (phase awaiting-approval); runbook cancel stops it");
    Runs.approve(run, "alice");
    assertThat(report(run).outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.services.get("api").version).isEqualTo("v1");
  }

  @Test
  void cancellingInTheWindowEndsTheRunAndChangesNothing() {
    WorkflowStub run = start(emergency(Severity.P1, false, null));
    awaitPhase(testEnv, run, Phase.ARMED);

    Receipt receipt = Runs.cancel(run, "bob");
    assertThat(receipt.phase()).isEqualTo(Phase.CANCELLED);
    assertThat(receipt.message()).isEqualTo("cancelling in the armed window: nothing was changed and the run ends");
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.CANCELLED);
    assertThat(report.message()).isEqualTo("cancelled by bob: wrong service");
    assertNothingChanged();
    assertThat(report.steps()).filteredOn(s -> s.id().equals("armed")).singleElement()
        .satisfies(s -> assertThat(s.error()).isEqualTo("cancelled in the armed window"));
    assertThat(kinds()).containsExactly(
        NotificationKind.ARMED, NotificationKind.APPROVAL_REQUESTED, NotificationKind.CANCELLED);
  }

  @Test
  void anApprovalInTheWindowLetsTheRollbackGoWhenItEndsAndARejectionEndsItAtOnce() {
    WorkflowStub approved = start(emergency(Severity.P1, false, null));
    RunStatus armed = awaitPhase(testEnv, approved, Phase.ARMED);
    Receipt vote = Runs.approve(approved, "alice");
    assertThat(vote.phase()).isEqualTo(Phase.ARMED);
    assertThat(status(approved).steps()).filteredOn(s -> s.id().equals("approval")).singleElement()
        .satisfies(s -> assertThat(s.state()).isEqualTo(StepState.RUNNING));
    assertThat(vote.message()).isEqualTo("approved by alice for plan " + armed.pendingApproval().planHash().substring(0, 12)
        + "; the rollback goes ahead when the armed window ends at "
        + Shown.time(armed.armed().endsAt()) + " unless disarmed");
    assertThat(status(approved).phase()).isEqualTo(Phase.ARMED);
    RunReport report = report(approved);
    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(report.steps()).filteredOn(s -> s.id().equals("deploy")).singleElement()
        .satisfies(s -> assertThat(s.startedAt()).isBetween(armed.armed().endsAt(), armed.armed().endsAt().plusSeconds(5)));

    world.services.get("api").version = "v2";
    WorkflowStub rejected = Runs.start(client, queue, emergency(Severity.P1, false, null));
    awaitPhase(testEnv, rejected, Phase.ARMED);
    Runs.reject(rejected, "alice", "we fix forward");
    RunReport refused = report(rejected);
    assertThat(refused.outcome()).isEqualTo(Phase.REJECTED);
    assertThat(refused.message()).isEqualTo("rejected by alice: we fix forward");
    assertThat(refused.duration()).as("ended at once, not at the end of the window").isLessThan(WINDOW);
    assertThat(world.services.get("api").version).isEqualTo("v2");
  }

  @Test
  void unansweredTheApprovalEscalatesOnlyAfterTheWindow() {
    WorkflowStub run = start(emergency(Severity.P1, false, null));
    RunStatus armed = awaitPhase(testEnv, run, Phase.ARMED);
    testEnv.sleep(WINDOW.plusSeconds(5));

    RunStatus waiting = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    assertThat(waiting.armed()).isNull();
    assertThat(waiting.waitingFor()).isEqualTo("approval by engineering-lead");
    assertThat(kinds()).doesNotContain(NotificationKind.ESCALATED).contains(NotificationKind.STARTED);
    assertThat(waiting.pendingApproval().nextEscalationAt()).isEqualTo(armed.armed().endsAt().plus(Duration.ofMinutes(15)));
    Runs.approve(run, "alice");
    assertThat(report(run).outcome()).isEqualTo(Phase.SUCCEEDED);
  }

  @Test
  void aDryRunPlansTheWindowAndDoesNotWait() {
    FakeWorld.Hold planning = world.hold("Notify.send", "ARMED");
    WorkflowStub run = start(emergency(Severity.P1, true, ALERT));
    planning.awaitEntered();
    String refused = refusal(() -> Runs.disarm(run, DisarmRequest.byPerson("bob", null)));
    assertThat(refused).isEqualTo(
        "NOT_WAITING: a dry run plans the armed window and does not wait: there is nothing to disarm");
    planning.release();
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(report.duration()).as("a plan does not wait").isLessThan(Duration.ofMinutes(1));
    assertThat(report.steps()).filteredOn(s -> s.id().equals("armed")).singleElement().satisfies(s -> {
      assertThat(s.state()).isEqualTo(StepState.PLANNED);
      assertThat(s.detail()).isEqualTo("would wait 15m, then roll back api v2 -> v1 unless disarmed");
    });
    assertThat(report.plannedActions()).anySatisfy(a -> assertThat(a).startsWith("armed: tell the team, then wait 15m"));
    assertThat(world.plannedNotifications()).extracting(Notification::kind).contains(NotificationKind.ARMED);
    assertThat(world.mutations()).isZero();
  }

  @Test
  void theSignalFormIsJudgedAlikeAndARefusalIsRecorded() {
    WorkflowStub run = start(emergency(Severity.P0, false, ALERT));
    awaitPhase(testEnv, run, Phase.ARMED);

    run.signal("disarm-signal", new DisarmRequest("alertmanager", null, new AlertRef("high-error-rate", "X", "0000")));
    testEnv.sleep(Duration.ofSeconds(1));
    assertThat(status(run).phase()).isEqualTo(Phase.ARMED);
    assertThat(status(run).actions()).anySatisfy(a -> {
      assertThat(a.action()).isEqualTo("refused disarm");
      assertThat(a.detail()).startsWith("the run was armed by the alert HighErrorRate");
    });
    run.signal("disarm-signal", DisarmRequest.byPerson("bob", "fixed forward"));
    assertThat(report(run).outcome()).isEqualTo(Phase.DISARMED);
    assertNothingChanged();
  }

  @Test
  void aRunThatWasNotArmedCannotBeDisarmed() {
    WorkflowStub run = Runs.start(client, queue, new EmergencyRollbackRequest("api", Severity.P1, "errors",
        FakeWorld.REQUESTER, false, null, null, false, null, null, Duration.ZERO, null));
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    String refused = refusal(() -> Runs.disarm(run, DisarmRequest.byPerson("bob", null)));
    assertThat(refused).isEqualTo(
        "NOT_WAITING: the run is not armed: it went ahead at once (phase awaiting-approval); runbook cancel stops it");
  }

  @Test
  void anArmedFullRollbackWaitsBeforeItStopsAnythingAndIsDisarmed() {
    WorkflowStub run = Runs.start(client, queue, new FullRollbackRequest("prod", List.of("api", "web"),
        List.of("api"), Severity.P0, "release 42 is broken", FakeWorld.REQUESTER, false, null, null, null, null,
        false, WINDOW, null));
    RunStatus armed = awaitPhase(testEnv, run, Phase.ARMED);
    assertThat(armed.armed().plan()).isEqualTo("prod api=v2,web=w2 -> api=v1,web=w1");
    assertThat(world.calls("Service.stop")).isEmpty();

    Runs.disarm(run, DisarmRequest.byPerson("bob", "fixed forward"));
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.DISARMED);
    assertThat(world.calls("Service.stop")).isEmpty();
    assertThat(world.calls("Database.backup")).isEmpty();
    assertThat(world.services.get("web").version).isEqualTo("w2");
    assertThat(kinds()).containsExactly(NotificationKind.ARMED, NotificationKind.DISARMED);
  }

  @Test
  void anArmedFullRollbackGoesAheadWhenTheWindowEnds() {
    WorkflowStub run = Runs.start(client, queue, new FullRollbackRequest("prod", List.of("api", "web"),
        List.of("api"), Severity.P0, "release 42 is broken", FakeWorld.REQUESTER, false, null, null, null, null,
        false, WINDOW, null));
    awaitPhase(testEnv, run, Phase.ARMED);

    RunReport report = report(run);
    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.services.get("web").version).isEqualTo("w1");
    assertThat(kinds()).containsSubsequence(NotificationKind.ARMED, NotificationKind.STARTED, NotificationKind.REPORT);
  }

  @Test
  void theWindowIsCheckedWithTheRequest() {
    assertThat(withWindow(Duration.ZERO).problems())
        .contains("armFor PT0S is out of range: give a window longer than 0 and at most 24h, e.g. 15m");
    assertThat(withWindow(Duration.ofHours(25)).problems())
        .contains("armFor PT25H is out of range: give a window longer than 0 and at most 24h, e.g. 15m");
    assertThat(withWindow(WINDOW).problems()).isEmpty();
    assertThat(new EmergencyRollbackRequest("api", Severity.P1, "errors", "erin", false, null, null, false, null,
        null, null, null, false, null, ALERT, false, false).problems())
        .contains("armingAlert needs armFor: only an armed run is disarmed by its alert");
    assertThat(new EmergencyRollbackRequest("api", Severity.P2, "errors", "erin", false, null, null, false, null,
        null, null, Instant.parse("2030-01-01T00:00:00Z"), false, WINDOW, null, false, false).problems())
        .contains("armFor and notBefore do not go together: an armed run waits its window, then goes;"
            + " drop one of them");
    assertThat(new EmergencyRollbackRequest("api", Severity.P1, "errors", "erin", false, null, null, false, null,
        null, null, null, false, WINDOW, new AlertRef("r", "A", "bad fingerprint;"), false, false).problems())
        .contains("armingAlert.fingerprint 'bad fingerprint;' is not an alert fingerprint: use letters, digits,"
            + " ':', '_' or '-'");
  }

  private static EmergencyRollbackRequest withWindow(Duration window) {
    return new EmergencyRollbackRequest("api", Severity.P1, "errors", "erin", false, null, null, false, null,
        null, null, null, false, window, null, false, false);
  }

  private List<String> timerSummaries(WorkflowStub run) {
    return client.fetchHistory(run.getExecution().getWorkflowId()).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED && e.getUserMetadata().hasSummary())
        .map(e -> DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
            e.getUserMetadata().getSummary(), String.class, String.class))
        .toList();
  }
}
