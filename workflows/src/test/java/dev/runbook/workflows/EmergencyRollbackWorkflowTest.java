package dev.runbook.workflows;

import dev.runbook.workflows.engine.ActivityCatalog;
import static dev.runbook.workflows.testing.Runs.approve;
import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static dev.runbook.workflows.testing.Runs.decide;
import static dev.runbook.workflows.testing.Runs.report;
import static dev.runbook.workflows.testing.Runs.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.WorkflowTest;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EmergencyRollbackWorkflowTest extends WorkflowTest {

  private static EmergencyRollbackRequest request(
      Severity severity, String toVersion, boolean withDatabase, Duration monitorFor, Instant notBefore) {
    return new EmergencyRollbackRequest(
        "api", severity, "checkout errors after v2", FakeWorld.REQUESTER, false, null,
        toVersion, withDatabase, null, null, monitorFor, notBefore);
  }

  private WorkflowStub start(EmergencyRollbackRequest r) {
    return Runs.start(client, queue, r);
  }

  @Test
  void walksTheStepsInTheRunbooksOrderAndReportsVersions() {
    EmergencyRollbackResult result =
        start(request(Severity.P0, null, true, Duration.ofMinutes(2), null))
            .getResult(EmergencyRollbackResult.class);

    assertThat(result.report().steps()).extracting(StepStatus::id).containsExactly(
        "load-policy", "capture-evidence", "resolve-target", "notify-started", "resolve-schema",
        "approval", "backup", "revert-migrations", "verify-integrity", "deploy", "verify",
        "notify-resolved", "monitor");
    assertThat(result.fromVersion()).isEqualTo("v2");
    assertThat(result.toVersion()).isEqualTo("v1");
    assertThat(result.schemaFrom()).isEqualTo("3");
    assertThat(result.schemaTo()).isEqualTo("2");
    assertThat(result.backupId()).isNotBlank();
    assertThat(result.healthyAfterMonitoring()).isTrue();
    assertThat(world.databases.get("api").backups).containsKey(result.backupId());
    Notification resolved = world.notifications().stream()
        .filter(n -> n.kind() == NotificationKind.RESOLVED).findFirst().orElseThrow();
    assertThat(resolved.detail()).contains("from v2 to v1").contains("schema 3 -> 2");
    assertThat(resolved.duration()).isNotNull();
    Notification started = world.notifications().get(0);
    assertThat(started.kind()).isEqualTo(NotificationKind.STARTED);
    assertThat(started.eta()).isEqualTo(Duration.ofMinutes(10));
    assertThat(started.requestedBy()).isEqualTo(FakeWorld.REQUESTER);
    assertThat(started.detail()).as("the team is told where the run goes").contains("from v2 to v1");
  }

  @Test
  void withoutTheDatabaseFlagTheDatabaseIsNotTouched() {
    EmergencyRollbackResult result =
        start(request(Severity.P0, "v0", false, Duration.ZERO, null)).getResult(EmergencyRollbackResult.class);

    assertThat(result.toVersion()).isEqualTo("v0");
    assertThat(world.services.get("api").version).isEqualTo("v0");
    assertThat(world.calls("Database.")).isEmpty();
    assertThat(world.databases.get("api").schema).isEqualTo(3);
  }

  @Test
  void monitoringTellsTheTeamWhenHealthRegressesAndRecovers() {
    WorkflowStub run = start(request(Severity.P0, null, false, Duration.ofMinutes(4), null));
    awaitPhase(testEnv, run, Phase.MONITORING);
    testEnv.registerDelayedCallback(Duration.ofSeconds(90), () -> world.healthy("api", false));
    testEnv.registerDelayedCallback(Duration.ofSeconds(150), () -> world.healthy("api", true));

    EmergencyRollbackResult result = run.getResult(EmergencyRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.notifications()).filteredOn(n -> n.kind() == NotificationKind.REGRESSION)
        .extracting(Notification::audience).containsExactly(Audience.TEAM, Audience.ESCALATION);
    assertThat(world.notifications()).filteredOn(n -> n.kind() == NotificationKind.RECOVERED).hasSize(1);
    assertThat(world.calls("Service.health")).hasSize(4);
    assertThat(result.healthyAfterMonitoring()).isTrue();
    assertThat(result.report().steps()).filteredOn(s -> s.id().equals("monitor"))
        .singleElement().satisfies(s -> assertThat(s.detail()).isEqualTo("4/4 checks, 1 unhealthy"));
  }

  @Test
  void aServiceStillUnhealthyAtTheEndOfMonitoringIsReported() {
    WorkflowStub run = start(request(Severity.P0, null, false, Duration.ofMinutes(2), null));
    awaitPhase(testEnv, run, Phase.MONITORING);
    world.healthy("api", false);

    EmergencyRollbackResult result = run.getResult(EmergencyRollbackResult.class);

    assertThat(result.healthyAfterMonitoring()).isFalse();
    assertThat(world.notifications()).filteredOn(n -> n.kind() == NotificationKind.REGRESSION).hasSize(2);
  }

  @Test
  void cancellingDuringMonitoringKeepsTheRollbackAsSucceeded() {
    WorkflowStub run = start(request(Severity.P0, null, false, Duration.ofMinutes(15), null));
    awaitPhase(testEnv, run, Phase.MONITORING);

    Runs.cancel(run, "alice");
    EmergencyRollbackResult result = run.getResult(EmergencyRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(result.report().message()).contains("monitoring stopped early by alice");
    assertThat(world.services.get("api").version).isEqualTo("v1");
  }

  @Test
  void p2NeedsAManagerAndWaitsForItsStartTime() {
    Instant notBefore = Runs.now(testEnv).plus(Duration.ofHours(2));
    WorkflowStub run = start(request(Severity.P2, null, false, Duration.ZERO, notBefore));
    RunStatus waiting = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    assertThat(waiting.pendingApproval().roles()).containsExactly("engineering-manager");
    assertThat(waiting.pendingApproval().notBefore()).isEqualTo(notBefore);

    assertThatThrownBy(() -> approve(run, "alice")).hasCauseInstanceOf(ApplicationFailure.class)
        .satisfies(t -> assertThat(t.getCause().getMessage()).contains("lacks role engineering-manager"));
    approve(run, "carol");
    assertThat(awaitPhase(testEnv, run, Phase.SCHEDULED).waitingFor()).contains("start time");
    assertThat(world.calls("Service.deploy")).isEmpty();

    EmergencyRollbackResult result = run.getResult(EmergencyRollbackResult.class);
    StepStatus deploy = result.report().steps().stream().filter(s -> s.id().equals("deploy")).findFirst().orElseThrow();
    assertThat(deploy.startedAt()).isAfterOrEqualTo(notBefore);
    assertThat(world.services.get("api").version).isEqualTo("v1");
  }

  @Test
  void aStepWhoseRetriesRunOutWaitsForADecision() {
    world.fail("Service.deploy", FailureType.COMMAND_FAILED, 1000);
    WorkflowStub run = start(request(Severity.P0, null, false, Duration.ZERO, null));

    RunStatus s = awaitPhase(testEnv, run, Phase.NEEDS_DECISION);
    assertThat(s.pendingDecision().error()).contains("ServiceDeploy").contains("COMMAND_FAILED");
    int attempts = ActivityCatalog.SERVICE.getRetryOptions().getMaximumAttempts();
    assertThat(world.calls("Service.deploy")).hasSize(attempts);

    world.heal("Service.deploy");
    decide(run, DecisionAction.RETRY, FakeWorld.REQUESTER);
    EmergencyRollbackResult result = run.getResult(EmergencyRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.calls("Service.deploy")).hasSize(attempts + 1);
    assertThat(world.services.get("api").version).isEqualTo("v1");
  }

  @Test
  void anUnknownTargetVersionFailsForGoodAndCanBeAborted() {
    WorkflowStub run = start(request(Severity.P0, "v9", false, Duration.ZERO, null));

    RunStatus s = awaitPhase(testEnv, run, Phase.NEEDS_DECISION);
    assertThat(s.pendingDecision().step()).isEqualTo("resolve-target");
    assertThat(s.pendingDecision().error()).contains("unknown version v9").contains("UNKNOWN_VERSION");
    assertThat(s.pendingDecision().options()).containsExactly(DecisionAction.RETRY, DecisionAction.ABORT);
    assertThat(world.calls("Service.resolveTarget")).hasSize(1);

    decide(run, DecisionAction.ABORT, FakeWorld.REQUESTER);
    assertThat(report(run).outcome()).isEqualTo(Phase.ABORTED);
    assertThat(world.services.get("api").version).isEqualTo("v2");
  }

  @Test
  void anInvalidRequestFailsAtOnceNamingTheField() {
    EmergencyRollbackRequest bad = new EmergencyRollbackRequest(
        "api", Severity.P0, "x", FakeWorld.REQUESTER, false, null, "v1; rm -rf /", false, null, null, null, null);

    WorkflowStub run = start(bad);

    assertThatThrownBy(() -> run.getResult(EmergencyRollbackResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("toVersion 'v1; rm -rf /' is not a valid version");
    assertThat(world.calls()).isEmpty();
  }

  @Test
  void statusShowsTheCurrentStepAndWhatTheRunWaitsFor() {
    WorkflowStub run = start(request(Severity.P1, null, true, Duration.ZERO, null));
    RunStatus s = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    assertThat(s.currentStep()).isEqualTo("approval");
    assertThat(s.requestedBy()).isEqualTo(FakeWorld.REQUESTER);
    assertThat(s.services()).containsExactly("api");
    assertThat(s.pendingApproval().abortsAt()).isEqualTo(s.pendingApproval().requestedAt().plus(Duration.ofHours(1)));
    assertThat(s.pendingApproval().nextEscalationAt())
        .isEqualTo(s.pendingApproval().requestedAt().plus(Duration.ofMinutes(15)));
    assertThat(s.steps()).filteredOn(x -> x.id().equals("resolve-target"))
        .singleElement().satisfies(x -> {
          assertThat(x.detail()).isEqualTo("v1 (last-known-good)");
          assertThat(x.attempts()).isEqualTo(1);
          assertThat(x.startedAt()).isNotNull();
          assertThat(x.finishedAt()).isAfterOrEqualTo(x.startedAt());
        });
    approve(run, "bob");
    assertThat(report(run).outcome()).isEqualTo(Phase.SUCCEEDED);
  }
}
