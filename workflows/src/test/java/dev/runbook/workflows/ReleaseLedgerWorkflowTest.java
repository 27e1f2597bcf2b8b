package dev.runbook.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.FullRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the runs tell the release ledger (through the rollback log), and how a run that cannot
 * know where to go back to is refused before it says or changes anything.
 */
class ReleaseLedgerWorkflowTest extends WorkflowTest {

  private static EmergencyRollbackRequest p0(String toVersion, boolean force, boolean dryRun) {
    return new EmergencyRollbackRequest(
        "api", Severity.P0, "checkout errors after v2", FakeWorld.REQUESTER, dryRun, null,
        toVersion, false, null, null, Duration.ZERO, null, force);
  }

  private List<AuditEvent> events(AuditEventType type) {
    return world.audit().stream().filter(e -> e.type() == type).toList();
  }

  @Test
  void theLedgerHearsWhatTheRunDeployedWhatItLeftAndWhatPassedItsChecks() {
    EmergencyRollbackResult r =
        Runs.start(client, queue, p0(null, false, false)).getResult(EmergencyRollbackResult.class);

    assertThat(r.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    List<AuditEvent> deployed = events(AuditEventType.RELEASE_DEPLOYED);
    assertThat(deployed).hasSize(1);
    assertThat(deployed.get(0).data())
        .containsEntry("service", "api").containsEntry("version", "v1").containsEntry("from", "v2")
        .containsEntry("source", "rollback").containsEntry("by", FakeWorld.REQUESTER)
        .containsEntry("forced", "false");
    assertThat(deployed.get(0).detail()).isEqualTo("checkout errors after v2");
    List<AuditEvent> verified = events(AuditEventType.RELEASE_VERIFIED);
    assertThat(verified).hasSize(1);
    assertThat(verified.get(0).data()).containsEntry("service", "api").containsEntry("version", "v1");
    assertThat(verified.get(0).seq()).isGreaterThan(deployed.get(0).seq());
    // Each goes with the step that learned it, so the ledger knows as soon as that step ends.
    assertThat(deployed.get(0).step()).isEqualTo("deploy");
    assertThat(verified.get(0).step()).isEqualTo("verify");
  }

  @Test
  void aSkippedVerificationLeavesTheVersionUnverified() {
    world.fail("Service.verify", FailureType.VERIFICATION_FAILED, 100);
    var stub = Runs.start(client, queue, p0(null, false, false));
    Runs.awaitPhase(testEnv, stub, Phase.NEEDS_DECISION);
    Runs.decide(stub, dev.runbook.workflows.model.DecisionAction.SKIP, FakeWorld.REQUESTER);
    assertThat(stub.getResult(EmergencyRollbackResult.class).report().outcome()).isEqualTo(Phase.SUCCEEDED);

    assertThat(events(AuditEventType.RELEASE_DEPLOYED)).hasSize(1);
    assertThat(events(AuditEventType.RELEASE_VERIFIED)).as("nothing proved v1 healthy").isEmpty();
  }

  @Test
  void aDryRunTellsTheLedgerNothing() {
    Runs.start(client, queue, p0(null, false, true)).getResult(EmergencyRollbackResult.class);

    assertThat(events(AuditEventType.RELEASE_DEPLOYED)).isEmpty();
    assertThat(events(AuditEventType.RELEASE_VERIFIED)).isEmpty();
  }

  @Test
  void aForcedVersionIsRecordedAsForced() {
    Runs.start(client, queue, p0("v0", true, false)).getResult(EmergencyRollbackResult.class);

    assertThat(events(AuditEventType.RELEASE_DEPLOYED)).singleElement()
        .satisfies(e -> assertThat(e.data()).containsEntry("version", "v0").containsEntry("forced", "true"));
  }

  @Test
  void withNoGoodVersionKnownTheRunIsRefusedBeforeItSaysOrChangesAnything() {
    world.fail("Service.resolveTarget", FailureType.NO_GOOD_VERSION, 1);

    EmergencyRollbackResult r =
        Runs.start(client, queue, p0(null, false, false)).getResult(EmergencyRollbackResult.class);

    assertThat(r.report().outcome()).isEqualTo(Phase.REFUSED);
    assertThat(r.report().message()).isEqualTo("refused at resolve-target: Service.resolveTarget failed (api)");
    assertThat(r.report().steps()).extracting(StepStatus::id)
        .containsExactly("load-policy", "capture-evidence", "resolve-target");
    assertThat(r.report().steps()).filteredOn(s -> s.id().equals("resolve-target"))
        .extracting(StepStatus::state).containsExactly(StepState.FAILED);
    assertThat(world.calls("Service.deploy")).isEmpty();
    assertThat(world.mutations()).isZero();
    List<Notification> sent = world.notifications();
    assertThat(sent).extracting(Notification::kind).containsOnly(NotificationKind.REFUSED);
    assertThat(sent).extracting(Notification::audience).contains(Audience.TEAM, Audience.ESCALATION);
  }

  @Test
  void aFullRollbackWithAServiceThatHasNoGoodVersionIsRefusedBeforeItStopsAnything() {
    world.fail("Service.resolveTarget", FailureType.NO_GOOD_VERSION, 1);

    FullRollbackResult r =
        Runs.start(client, queue, Runs.request(RunbookType.FULL, Severity.P0, false))
            .getResult(FullRollbackResult.class);

    assertThat(r.report().outcome()).isEqualTo(Phase.REFUSED);
    assertThat(world.calls("Service.stop")).isEmpty();
    assertThat(world.calls("Service.deploy")).isEmpty();
    assertThat(world.notifications()).extracting(Notification::kind).containsOnly(NotificationKind.REFUSED);
  }

  @Test
  void aFullRollbackTellsTheLedgerOfEveryServiceItMoved() {
    FullRollbackResult r =
        Runs.start(client, queue, Runs.request(RunbookType.FULL, Severity.P0, false))
            .getResult(FullRollbackResult.class);

    assertThat(r.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(events(AuditEventType.RELEASE_DEPLOYED)).extracting(e -> e.data().get("service"))
        .containsExactlyElementsOf(r.services().stream().map(FullRollbackResult.ServiceVersions::service).toList());
    assertThat(events(AuditEventType.RELEASE_VERIFIED)).hasSameSizeAs(r.services());
  }
}
