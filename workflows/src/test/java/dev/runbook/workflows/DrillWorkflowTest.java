package dev.runbook.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.policy.Durations;
import dev.runbook.workflows.testing.FakeDrills;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillReport.DrillOutcome;
import dev.runbook.workflows.model.DrillReport.StepTime;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.WorkflowIds;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A drill on the fake world's api service, which runs v2 (v1 and v0 before it); "v3-bad" is its
 * known-bad version, "v3-quiet" a version no signal can tell from a good one.
 */
class DrillWorkflowTest extends WorkflowTest {

  private DrillRequest drill(String badVersion, DrillDetection detection, Duration sla, String approver) {
    world.services.get("api").broken.add("v3-bad");
    return new DrillRequest(RunbookType.EMERGENCY, "api", badVersion, detection, Duration.ofMinutes(5), sla,
        approver, FakeWorld.REQUESTER, Runs.dryRunTag());
  }

  private DrillReport run(DrillRequest request) {
    WorkflowStub stub = Runs.drill(client, queue, request);
    assertThat(stub.getExecution().getWorkflowId()).isEqualTo(WorkflowIds.forDrill("api", request.tag()))
        .startsWith("drill-api-");
    return stub.getResult(DrillReport.class);
  }


  @Test
  void aDrillBreaksTheServiceSeesItFailItsHealthCheckRollsBackWithinTheSlaAndRestoresIt() {
    DrillRequest request = drill("v3-bad", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(10), "alice");
    DrillReport r = run(request);

    assertThat(r.workflowId()).isEqualTo(request.workflowId());
    assertThat(r.target()).isEqualTo("api");
    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.brokenWith()).isEqualTo("v3-bad");
    assertThat(r.before()).isEqualTo("v2");
    assertThat(r.restored()).isTrue();
    assertThat(world.services.get("api").version).isEqualTo("v2");
    // The break is seen at the first reading, right after the deploy.
    assertThat(r.detectedBy()).isEqualTo(DrillDetection.HEALTH_CHECK);
    assertThat(r.timeToDetect()).isLessThan(Duration.ofSeconds(2));
    // The real runbook, under the business ID a person's rollback of api takes.
    assertThat(r.rollbackWorkflowId()).isEqualTo("rollback-api");
    assertThat(r.rollbackOutcome()).isEqualTo(Phase.SUCCEEDED);
    // P1: it waited for the drill approver, who votes once the runbook has reached its approval.
    assertThat(r.approval()).isEqualTo("P1: approved by the drill approver alice");
    assertThat(r.timeToRollBack()).isBetween(DrillWorkflowImpl.APPROVER_AFTER, Duration.ofSeconds(15));
    assertThat(r.steps()).extracting(StepTime::id)
        .containsExactly("load-policy", "capture-evidence", "resolve-target", "notify-started", "approval", "deploy", "verify",
            "notify-resolved");
    assertThat(r.steps()).allSatisfy(s -> {
      assertThat(s.took()).isGreaterThanOrEqualTo(Duration.ZERO);
      assertThat(s.state()).isEqualTo(StepState.SUCCEEDED);
    });
    StepTime approval = r.steps().stream().filter(s -> s.id().equals("approval")).findFirst().orElseThrow();
    // The drill approver votes APPROVER_AFTER into the run; the vote's own workflow task may end a moment later.
    assertThat(approval.took()).isBetween(Duration.ofSeconds(5), DrillWorkflowImpl.APPROVER_AFTER.plusSeconds(1));
    assertThat(r.sla()).isEqualTo(Duration.ofMinutes(10));
    assertThat(r.slaMet()).isTrue();
    assertThat(r.slaDifference()).isEqualTo(Duration.ofMinutes(10).minus(r.timeToRollBack()));
    assertThat(r.manualInterventions()).isZero();
    assertThat(r.message()).startsWith("drill of api: detected by the health check after ")
        .contains(", rolled back in ").contains(", within SLA 10m (")
        .endsWith(" to spare); api restored to v2");

    // What it did to the service, in order: break, roll back (the runbook), restore (already there).
    assertThat(world.calls("Service.deploy")).containsExactly(
        "Service.deploy api v3-bad", "Service.deploy api v2", "Service.deploy api v2");
    // The restore found v2 running already and changed nothing.
    assertThat(world.services.get("api").history).containsExactly("v3-bad", "v1", "v0");
  }

  @Test
  void theSameDrillRunTwiceInARowRollsBackToTheSameGoodVersionAndRestoresItEachTime() {
    DrillReport first = run(drill("v3-bad", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(10), null));
    DrillReport second = run(drill("v3-bad", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(10), null));

    assertThat(second.workflowId()).isNotEqualTo(first.workflowId());
    for (DrillReport r : List.of(first, second)) {
      assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
      assertThat(r.before()).isEqualTo("v2");
      assertThat(r.rollbackOutcome()).isEqualTo(Phase.SUCCEEDED);
      assertThat(r.restored()).isTrue();
    }
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(world.drills.row(first.workflowId()).report()).isEqualTo(first);
    assertThat(world.drills.row(second.workflowId()).report()).isEqualTo(second);
    assertThat(world.drills.reportsCounted()).isEqualTo(2);
  }

  @Test
  void aTargetTheWorkersRefuseEndsTheDrillWithTheirReasonAndNothingTouched() {
    world.drills.refuse("drill x: drills never touch production: api is kind production");
    WorkflowStub stub = Runs.drill(client, queue, drill("v3-bad", DrillDetection.HEALTH_CHECK,
        Duration.ofMinutes(10), null));

    assertThatThrownBy(() -> stub.getResult(DrillReport.class)).isInstanceOf(WorkflowFailedException.class)
        .cause().hasMessageContaining("drills never touch production: api is kind production");
    assertThat(world.calls("Service.")).isEmpty();
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(world.notifications()).isEmpty();
  }

  @Test
  void aFailingSmokeCheckDetectsTheBreak() {
    DrillReport r = run(drill("v3-bad", DrillDetection.SMOKE_CHECK, Duration.ofMinutes(10), null));

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.detectedBy()).isEqualTo(DrillDetection.SMOKE_CHECK);
    assertThat(r.message()).contains("detected by the smoke checks after ");
    assertThat(world.calls("Check.smokeChecks")).first().isEqualTo("Check.smokeChecks api");
    assertThat(r.restored()).isTrue();
  }

  @Test
  void aDrillIsRecordedAndReportedToTheTeamAndItsRunbookIsMarkedADrillEverywhere() {
    DrillRequest request = drill("v3-bad", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(10), "alice");
    DrillReport r = run(request);

    // The drills table: the row written before the break names the runbook's ID; the report once.
    FakeDrills.Row row = world.drills.row(request.workflowId());
    assertThat(row.rollbackWorkflowId()).isEqualTo("rollback-api");
    assertThat(row.request()).isEqualTo(request);
    assertThat(row.report()).isEqualTo(r);
    assertThat(world.drills.reportsCounted()).isEqualTo(1);
    // The runbook's rollback log says whose drill it was: its start and its SLA verdict.
    assertThat(world.audit().stream().filter(e -> e.type() == AuditEventType.RUN_STARTED))
        .singleElement().satisfies(e -> {
          assertThat(e.data()).containsEntry("drill", request.workflowId()).containsEntry("parent", request.workflowId());
          assertThat(e.detail()).startsWith("DRILL " + request.workflowId() + ": v3-bad deployed on purpose to api");
        });
    // Every message of the runbook carries the drill's mark (its reason); the drill reports last.
    List<Notification> sent = world.notifications();
    Notification report = sent.get(sent.size() - 1);
    assertThat(sent.subList(0, sent.size() - 1)).extracting(Notification::kind).containsExactly(
        NotificationKind.STARTED, NotificationKind.APPROVAL_REQUESTED, NotificationKind.APPROVED,
        NotificationKind.RESOLVED);
    assertThat(sent.subList(0, sent.size() - 1)).allSatisfy(n -> {
      assertThat(n.workflowId()).isEqualTo("rollback-api");
      assertThat(n.reason()).startsWith(DrillRequest.REASON_PREFIX + request.workflowId());
    });
    assertThat(report.kind()).isEqualTo(NotificationKind.DRILL_REPORT);
    assertThat(report.workflowId()).isEqualTo(request.workflowId());
    assertThat(report.services()).containsExactly("api");
    assertThat(report.detail()).startsWith("SLA met: rolled back in ").contains("\nDetected: after ")
        .contains("Staging restored: yes, to v2");
    assertThat(report.reason()).isEqualTo(r.message());
    assertThat(report.duration()).isEqualTo(r.timeToRollBack());
    assertThat(report.eta()).isEqualTo(Duration.ofMinutes(10));
    assertThat(client.newUntypedWorkflowStub(request.workflowId()).query(DrillWorkflow.PROGRESS, String.class))
        .isEqualTo("reported: " + r.verdict()).startsWith("reported: SLA met: rolled back in ");
  }

  @Test
  void aDrillWhoseRollbackIsSlowerThanTheSlaIsReportedAsMissedAndByHowMuch() {
    // The runbook's deploy of v2 fails five times: its retries wait 1 + 2 + 4 + 8 + 16 s.
    world.fail("Service.deploy", "api v2", FailureType.UNAVAILABLE, 5);
    DrillRequest request = drill("v3-bad", DrillDetection.ERROR_RATE, Duration.ofSeconds(20), null);
    DrillReport r = run(request);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.detectedBy()).isEqualTo(DrillDetection.ERROR_RATE);
    assertThat(r.approval()).isEqualTo("P0: no approval asked");
    StepTime skipped = r.steps().stream().filter(s -> s.id().equals("approval")).findFirst().orElseThrow();
    assertThat(skipped.state()).isEqualTo(StepState.SKIPPED);
    assertThat(skipped.took()).isZero();
    assertThat(r.timeToRollBack()).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(35));
    assertThat(r.slaMet()).isFalse();
    assertThat(r.slaDifference()).isEqualTo(r.timeToRollBack().minus(Duration.ofSeconds(20)))
        .isBetween(Duration.ofSeconds(10), Duration.ofSeconds(15));
    StepTime deploy = r.steps().stream().filter(s -> s.id().equals("deploy")).findFirst().orElseThrow();
    assertThat(deploy.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(r.message()).contains(", over SLA 20s by ").endsWith("; api restored to v2");
    assertThat(world.notifications()).last().satisfies(n -> {
      assertThat(n.kind()).isEqualTo(NotificationKind.DRILL_REPORT);
      assertThat(n.detail()).startsWith("SLA MISSED by " + Durations.human(r.slaDifference()) + ": rolled back in ");
    });
    assertThat(r.restored()).isTrue();
    assertThat(world.services.get("api").version).isEqualTo("v2");
  }

  @Test
  void aDrillApproverWithoutTheRoleIsRefusedAndTheRunbookWaitsForAPersonCountedAsAnIntervention() {
    // dave develops: the runbook refuses his vote and waits for an engineering lead, as a real run.
    DrillRequest request = drill("v3-bad", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(10), "dave");
    WorkflowStub stub = Runs.drill(client, queue, request);
    WorkflowStub rollback = Runs.awaitStarted(testEnv, client, "rollback-api");
    Runs.awaitPhase(testEnv, rollback, Phase.AWAITING_APPROVAL);
    testEnv.sleep(DrillWorkflowImpl.APPROVER_AFTER.plusSeconds(5));
    assertThat(Runs.status(rollback).phase()).isEqualTo(Phase.AWAITING_APPROVAL);
    Runs.approve(rollback, "bob");
    DrillReport r = stub.getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.approval()).isEqualTo("P1: the drill approver dave's vote was refused; approved by bob, like a real run");
    assertThat(r.manualInterventions()).isEqualTo(1);
    assertThat(Runs.report(rollback).actions()).filteredOn(a -> a.action().startsWith("refused")).singleElement()
        .satisfies(a -> {
          assertThat(a.actor()).isEqualTo("dave");
          assertThat(a.detail()).contains("engineering-lead");
        });
    assertThat(r.timeToRollBack()).isGreaterThan(DrillWorkflowImpl.APPROVER_AFTER.plusSeconds(5));
    assertThat(r.restored()).isTrue();
  }

  @Test
  void aBreakNoSignalSeesEndsAsNotDetectedWithinTheLimitAndTheServiceRestored() {
    DrillRequest request = drill("v3-quiet", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(10), "alice");
    DrillReport r = run(request);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.NOT_DETECTED);
    assertThat(r.message())
        .isEqualTo("drill of api: v3-quiet not detected within 5m by the health check; api restored to v2");
    assertThat(r.detectedBy()).isNull();
    assertThat(r.timeToDetect()).isNull();
    assertThat(r.rollbackWorkflowId()).isNull();
    assertThat(r.timeToRollBack()).isNull();
    assertThat(r.steps()).isEmpty();
    assertThat(r.slaMet()).isFalse();
    assertThat(r.restored()).isTrue();
    assertThat(world.services.get("api").version).isEqualTo("v2");
    // Read every 15 s over the 5 minutes: the first reading and one after each timer.
    assertThat(world.calls("Service.health")).hasSize(21);
    // No runbook ran: nobody was told of a rollback, only of the drill's outcome.
    assertThat(world.calls("Service.resolveTarget")).isEmpty();
    assertThat(world.notifications()).singleElement().satisfies(n -> {
      assertThat(n.kind()).isEqualTo(NotificationKind.DRILL_REPORT);
      assertThat(n.detail()).startsWith("not detected within 5m\n");
    });
    assertThat(world.drills.row(request.workflowId()).report()).isEqualTo(r);
  }

  @Test
  void aFailedRestoreIsRetriedAndLeavesTheServiceOnItsVersionOnce() {
    // The restore deploy fails once; its retry lands, and the service's history holds each version once.
    world.fail("Service.deploy", "api v2", FailureType.UNAVAILABLE, 1);
    DrillRequest request = drill("v3-quiet", DrillDetection.ERROR_RATE, Duration.ofMinutes(10), null);
    DrillReport r = run(request);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.NOT_DETECTED);
    assertThat(world.calls("Service.deploy"))
        .containsExactly("Service.deploy api v3-quiet", "Service.deploy api v2", "Service.deploy api v2");
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(world.services.get("api").history).containsExactly("v3-quiet", "v1", "v0");
  }

  @Test
  void aBadRequestEndsTheDrillNamingTheProblemWithNothingTouched() {
    DrillRequest bad = new DrillRequest(RunbookType.EMERGENCY, "api", "v3-bad", DrillDetection.HEALTH_CHECK,
        Duration.ofMinutes(5), null, null, FakeWorld.REQUESTER, Runs.dryRunTag());
    WorkflowStub stub = Runs.drill(client, queue, bad);

    assertThatThrownBy(() -> stub.getResult(DrillReport.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("invalid drill request: sla is required: give a duration, e.g. 10m for a backend")
        .satisfies(f -> assertThat(((ApplicationFailure) f).getType()).isEqualTo(FailureType.INVALID_INPUT.name()));
    assertThat(world.calls()).isEmpty();
  }

  @Test
  void aDrillWhoseDetectionFailsForGoodPutsTheTargetBackAndReportsWhatFailed() {
    world.fail("Service.health", FailureType.NOT_SUPPORTED, 1);
    DrillRequest request = drill("v3-bad", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(10), null);
    DrillReport r = run(request);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.FAILED);
    assertThat(r.failure()).startsWith("reading the health check failed: ");
    assertThat(r.verdict()).startsWith("drill failed: reading the health check failed: ");
    assertThat(r.rollbackWorkflowId()).isNull();
    assertThat(r.restored()).isTrue();
    assertThat(world.calls("Service.deploy")).containsExactly("Service.deploy api v3-bad", "Service.deploy api v2");
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(world.drills.row(request.workflowId()).report()).isEqualTo(r);
  }

  @Test
  void aRollbackAPersonRejectsIsReportedAsFailedAndTheTargetIsStillRestored() {
    DrillRequest request = drill("v3-bad", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(10), "dave");
    WorkflowStub stub = Runs.drill(client, queue, request);
    WorkflowStub rollback = Runs.awaitStarted(testEnv, client, "rollback-api");
    Runs.awaitPhase(testEnv, rollback, Phase.AWAITING_APPROVAL);
    Runs.reject(rollback, "bob", "not during the release freeze");
    DrillReport r = stub.getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLBACK_FAILED);
    assertThat(r.rollbackOutcome()).isNotEqualTo(Phase.SUCCEEDED);
    assertThat(r.slaMet()).isFalse();
    assertThat(r.manualInterventions()).isEqualTo(1);
    assertThat(r.message()).startsWith("drill of api: detected by the health check after ")
        .contains("but the rollback rollback-api did not succeed").endsWith("; api restored to v2");
    assertThat(r.restored()).isTrue();
    assertThat(world.services.get("api").version).isEqualTo("v2");
  }

  @Test
  void aDrillOnATargetARealRollbackHoldsEndsAsFailedAndPutsItBack() {
    WorkflowStub real =
        Runs.start(client, queue, Runs.request(RunbookType.EMERGENCY, Severity.P1, false));
    Runs.awaitPhase(testEnv, real, Phase.AWAITING_APPROVAL);
    DrillReport r = run(drill("v3-bad", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(10), null));

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLBACK_FAILED);
    assertThat(r.rollbackOutcome()).isNull();
    assertThat(r.message()).contains("but the rollback rollback-api did not succeed (it could not start: a rollback"
        + " of api already runs as rollback-api); api restored to v2");
    assertThat(r.restored()).isTrue();
    assertThat(Runs.status(real).phase()).isEqualTo(Phase.AWAITING_APPROVAL);
  }

  @Test
  void aFullDrillBreaksOneServiceRollsTheEnvironmentBackAndPutsEveryServiceBackAsItWas() {
    world.services.get("web").broken.add("w3-bad");
    DrillRequest request = new DrillRequest(RunbookType.FULL, "staging", List.of("api", "web"), "web", "w3-bad",
        DrillDetection.ERROR_RATE, Duration.ofMinutes(5), Duration.ofMinutes(30), null, FakeWorld.REQUESTER,
        Runs.dryRunTag());
    WorkflowStub stub = Runs.drill(client, queue, request);
    DrillReport r = stub.getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.target()).isEqualTo("staging");
    assertThat(r.before()).isEqualTo("w2");
    assertThat(r.detectedBy()).isEqualTo(DrillDetection.ERROR_RATE);
    assertThat(r.rollbackWorkflowId()).isEqualTo("rollback-full-staging");
    assertThat(r.rollbackOutcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(r.slaMet()).isTrue();
    assertThat(r.steps()).isNotEmpty();
    // The full runbook took every service to its previous version; the drill put each back.
    assertThat(world.calls("Service.deploy")).startsWith("Service.deploy web w3-bad")
        .contains("Service.deploy api v1")
        .endsWith("Service.deploy api v2", "Service.deploy web w2");
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(world.services.get("web").version).isEqualTo("w2");
    assertThat(r.restored()).isTrue();
    assertThat(r.message()).endsWith("; staging restored to (api v2, web w2)");
  }

  @Test
  void aDrillCancelledWhileItWaitsForDetectionStillPutsTheTargetBack() {
    WorkflowStub stub = Runs.drill(client, queue,
        drill("v3-quiet", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(10), null));
    for (int i = 0; i < 60 && world.calls("Service.health").isEmpty(); i++) {
      testEnv.sleep(Duration.ofSeconds(1));
    }
    assertThat(world.services.get("api").version).isEqualTo("v3-quiet");
    assertThat(stub.query(DrillWorkflow.PROGRESS, String.class))
        .isEqualTo("waiting for the health check to see the break (limit 5m)");
    stub.cancel();

    // Temporal closes it as cancelled; before that it put api back and stored its report.
    assertThatThrownBy(() -> stub.getResult(DrillReport.class)).isInstanceOf(WorkflowFailedException.class)
        .hasMessageContaining("was cancelled");
    DrillReport r = world.drills.row(stub.getExecution().getWorkflowId()).report();
    assertThat(r.outcome()).isEqualTo(DrillOutcome.CANCELLED);
    assertThat(r.cancelledBy()).isEqualTo("a Temporal cancel request");
    assertThat(r.restored()).isTrue();
    assertThat(world.calls("Service.deploy")).containsExactly("Service.deploy api v3-quiet", "Service.deploy api v2");
    assertThat(world.services.get("api").version).isEqualTo("v2");
  }
}
