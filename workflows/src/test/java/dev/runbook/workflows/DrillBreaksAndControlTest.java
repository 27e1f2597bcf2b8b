package dev.runbook.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.DrillAlert;
import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillReport.DrillOutcome;
import dev.runbook.workflows.model.DrillReport.StepTime;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.testing.FakeBreaks;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drills that break by configuration or by a break command, that are detected by an alert, and
 * that a person cancels: the fake world's api runs v2 with configuration cfg-1000000000aa.
 */
class DrillBreaksAndControlTest extends WorkflowTest {
  private static final String GOOD_CONFIG = "cfg-1000000000aa";

  private DrillRequest drill(DrillBreak breakWith, String badVersion, DrillDetection detection,
      Map<String, String> alertLabels, String approver) {
    world.services.get("api").broken.add("v3-bad");
    return new DrillRequest(RunbookType.EMERGENCY, "api", null, null, badVersion, detection, Duration.ofMinutes(5),
        Duration.ofMinutes(10), approver, FakeWorld.REQUESTER, Runs.dryRunTag(), breakWith, alertLabels);
  }

  private void awaitProgress(WorkflowStub stub, String startsWith) {
    for (int i = 0; i < 120; i++) {
      String p = stub.query(DrillWorkflow.PROGRESS, String.class);
      if (p.startsWith(startsWith)) {
        return;
      }
      testEnv.sleep(Duration.ofMillis(500));
    }
    throw new AssertionError("the drill never said '" + startsWith + "'; it says: "
        + stub.query(DrillWorkflow.PROGRESS, String.class));
  }

  private static Receipt alert(WorkflowStub stub, Map<String, String> labels) {
    return stub.update(DrillWorkflow.ALERT, Receipt.class,
        new DrillAlert("HighErrorRate", "c2f1a9", labels, "alertmanager"));
  }

  @Test
  void aConfigurationBreakIsRolledBackAsConfigurationAndTheConfigurationBeforeItPutBack() {
    world.config("api", GOOD_CONFIG).snapshot(GOOD_CONFIG, "DATABASE_URL=1234abcd").lastKnownGood = GOOD_CONFIG;
    world.breaks.configBreak("api");
    DrillRequest request = drill(DrillBreak.CONFIG, null, DrillDetection.HEALTH_CHECK, null, null);
    DrillReport r = Runs.drill(client, queue, request).getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.breakWith()).isEqualTo(DrillBreak.CONFIG);
    assertThat(r.brokenWith()).isEqualTo("a bad configuration");
    assertThat(r.breakDetail()).isEqualTo("wrote DATABASE_URL");
    // The runbook ran configuration-only: it restored the last known good configuration and restarted.
    assertThat(r.steps()).extracting(StepTime::id).contains("resolve-config", "restore-config", "restart")
        .doesNotContain("deploy");
    assertThat(world.calls("Config.restore")).first().isEqualTo("Config.restore api " + GOOD_CONFIG);
    assertThat(world.configs.of("api").current).isEqualTo(GOOD_CONFIG);
    assertThat(world.services.get("api").misconfigured).isFalse();
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(r.restored()).isTrue();
    // Once: the break, the restart that reads it; the restore found the good configuration there already.
    assertThat(world.calls("DrillBreak.")).containsExactly("DrillBreak.breakService api config");
    assertThat(world.calls("Config.restore")).containsExactly("Config.restore api " + GOOD_CONFIG,
        "Config.restore api " + GOOD_CONFIG);
    assertThat(r.figures()).contains("Broken with: a bad configuration: wrote DATABASE_URL (ran v2)");
  }

  @Test
  void aConfigurationBreakTheRunbookCannotUndoStillPutsTheConfigurationBack() {
    // The release ledger knows no good configuration: the runbook refuses, the drill restores anyway.
    world.config("api", GOOD_CONFIG).snapshot(GOOD_CONFIG, "DATABASE_URL=1234abcd");
    world.breaks.configBreak("api");
    DrillReport r = Runs.drill(client, queue, drill(DrillBreak.CONFIG, null, DrillDetection.HEALTH_CHECK, null, null))
        .getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLBACK_FAILED);
    assertThat(r.rollbackOutcome()).isEqualTo(Phase.REFUSED);
    assertThat(world.configs.of("api").current).isEqualTo(GOOD_CONFIG);
    assertThat(world.services.get("api").misconfigured).isFalse();
    assertThat(world.calls("Service.restart")).hasSize(2);
    assertThat(r.restored()).isTrue();
  }

  @Test
  void aRestartThatFailsForGoodEndsTheDrillWithAReportThatSaysStagingWasNotPutBackAndWhy() {
    world.config("api", GOOD_CONFIG).snapshot(GOOD_CONFIG, "DATABASE_URL=1234abcd").lastKnownGood = GOOD_CONFIG;
    world.breaks.configBreak("api");
    world.fail("Service.restart", dev.runbook.workflows.activities.FailureType.INVALID_INPUT, 2);
    DrillRequest request = drill(DrillBreak.CONFIG, null, DrillDetection.HEALTH_CHECK, null, null);
    DrillReport r = Runs.drill(client, queue, request).getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.FAILED);
    assertThat(r.failure()).startsWith("breaking api with a bad configuration failed: ");
    // The configuration file is back; the restart that would make the service read it is not.
    assertThat(world.configs.of("api").current).isEqualTo(GOOD_CONFIG);
    assertThat(r.restored()).isFalse();
    assertThat(r.message()).contains("api NOT restored to v2 (restoring configuration " + GOOD_CONFIG + " failed: ")
        .endsWith(": put it back by hand");
    assertThat(world.drills.row(request.workflowId()).report()).isEqualTo(r);
  }

  @Test
  void theReportGoesToTheChannelsTheDrillNamesAndTheRunbooksMessagesAsARunsDo() {
    world.services.get("api").broken.add("v3-bad");
    DrillRequest request = new DrillRequest(RunbookType.EMERGENCY, "api", null, null, "v3-bad",
        DrillDetection.HEALTH_CHECK, Duration.ofMinutes(5), Duration.ofMinutes(10), null, FakeWorld.REQUESTER,
        Runs.dryRunTag(), null, null, java.util.List.of("drills"));
    Runs.drill(client, queue, request).getResult(DrillReport.class);

    var sent = world.notifications();
    assertThat(sent.get(sent.size() - 1).kind()).isEqualTo(dev.runbook.workflows.activities.NotificationKind.DRILL_REPORT);
    assertThat(sent.get(sent.size() - 1).channels()).containsExactly("drills");
    assertThat(sent.subList(0, sent.size() - 1)).isNotEmpty().allSatisfy(n -> assertThat(n.channels()).isNull());
  }

  @Test
  void aBreakCommandThatDeploysABrokenBuildIsRolledBackAndItsUndoRunsOnce() {
    world.breaks.commandBreak("api", "v3-bad");
    DrillRequest request = drill(DrillBreak.COMMAND, null, DrillDetection.ERROR_RATE, null, null);
    DrillReport r = Runs.drill(client, queue, request).getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.brokenWith()).isEqualTo("the break command");
    assertThat(r.breakDetail()).isEqualTo("ran ./break-staging.sh");
    assertThat(world.calls("DrillBreak.")).containsExactly("DrillBreak.breakService api command",
        "DrillBreak.undo api command");
    assertThat(world.calls("Service.deploy")).containsExactly("Service.deploy api v2", "Service.deploy api v2");
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(r.restored()).isTrue();
  }

  @Test
  void aBreakCommandThatLeavesTheVersionAsItWasEndsTheDrillBeforeAnyRollbackMarksAGoodVersion() {
    world.breaks.commandBreak("api", null);
    DrillReport r = Runs.drill(client, queue, drill(DrillBreak.COMMAND, null, DrillDetection.HEALTH_CHECK, null, null))
        .getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.FAILED);
    assertThat(r.failure()).startsWith("the break command left api on v2, the version it ran");
    assertThat(r.rollbackWorkflowId()).isNull();
    assertThat(world.calls("Service.resolveTarget")).isEmpty();
    assertThat(world.calls("DrillBreak.undo")).hasSize(1);
    assertThat(r.restored()).isTrue();
  }

  @Test
  void aBreakTheWorkersHaveNoConfigurationForFailsTheDrillWithTheirReasonAndTouchesNothingElse() {
    DrillReport r = Runs.drill(client, queue, drill(DrillBreak.CONFIG, null, DrillDetection.HEALTH_CHECK, null, null))
        .getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.FAILED);
    assertThat(r.failure()).contains("api has no configuration section");
    assertThat(world.calls("DrillBreak.")).isEmpty();
    assertThat(world.calls("Service.deploy")).containsExactly("Service.deploy api v2");
    assertThat(world.services.get("api").version).isEqualTo("v2");
  }

  @Test
  void anAlertWithTheDrillsLabelsDetectsTheBreakAndOthersAreRefusedWithTheirReason() {
    DrillRequest request = drill(DrillBreak.VERSION, "v3-bad", DrillDetection.ALERT, null, null);
    WorkflowStub stub = Runs.drill(client, queue, request);
    awaitProgress(stub, "waiting for the Alertmanager alert to see the break");
    testEnv.sleep(Duration.ofSeconds(40));

    assertThatThrownBy(() -> alert(stub, Map.of("service", "web", "alertname", "HighErrorRate")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("the alert does not carry the drill's labels {service=api}");
    Receipt accepted = alert(stub, Map.of("service", "api", "alertname", "HighErrorRate"));
    assertThat(accepted.message()).startsWith("the drill's break is detected by HighErrorRate (fingerprint c2f1a9)");
    DrillReport r = stub.getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.detectedBy()).isEqualTo(DrillDetection.ALERT);
    assertThat(r.alert()).isEqualTo("HighErrorRate (fingerprint c2f1a9)");
    assertThat(r.timeToDetect()).isBetween(Duration.ofSeconds(40), Duration.ofSeconds(60));
    assertThat(r.figures()).contains("by the Alertmanager alert HighErrorRate (fingerprint c2f1a9), a monitoring signal");
    // Nothing was read: the alert came to the drill.
    assertThat(world.calls("Service.health")).isEmpty();
    // Once it has reported, the alert finds no drill to detect.
    assertThatThrownBy(() -> alert(stub, Map.of("service", "api"))).isInstanceOf(WorkflowNotFoundException.class);
  }

  @Test
  void aDrillThatDetectsByAlertRefusesAlertsBeforeItsBreakAndEndsNotDetectedWhenNoneComes() {
    DrillRequest request = drill(DrillBreak.VERSION, "v3-bad", DrillDetection.ALERT, Map.of("team", "shop"), null);
    WorkflowStub stub = Runs.drill(client, queue, request);
    awaitProgress(stub, "waiting for the Alertmanager alert");
    assertThatThrownBy(() -> alert(stub, Map.of("service", "api")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("the alert does not carry the drill's labels {team=shop}");
    DrillReport r = stub.getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.NOT_DETECTED);
    assertThat(r.verdict()).isEqualTo("not detected within 5m");
    assertThat(r.restored()).isTrue();
  }

  @Test
  void aDrillThatDetectsByAHealthCheckRefusesAnAlert() {
    WorkflowStub stub = Runs.drill(client, queue,
        drill(DrillBreak.VERSION, "v3-quiet", DrillDetection.HEALTH_CHECK, null, null));
    awaitProgress(stub, "waiting for the health check");

    assertThatThrownBy(() -> alert(stub, Map.of("service", "api")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("the drill detects its break by the health check, not by an alert");
    stub.update(DrillWorkflow.CANCEL, Receipt.class, new CancelRequest("erin", "done"));
    assertThat(stub.getResult(DrillReport.class).outcome()).isEqualTo(DrillOutcome.CANCELLED);
  }

  @Test
  void aPersonCancelsADrillWaitingForDetectionItIsPutBackAndReportedAsCancelledByThem() {
    DrillRequest request = drill(DrillBreak.VERSION, "v3-quiet", DrillDetection.HEALTH_CHECK, null, null);
    WorkflowStub stub = Runs.drill(client, queue, request);
    awaitProgress(stub, "waiting for the health check");

    assertThatThrownBy(() -> stub.update(DrillWorkflow.CANCEL, Receipt.class, new CancelRequest(" ", "x")))
        .isInstanceOf(WorkflowUpdateException.class).rootCause().hasMessageContaining("a cancel must name the person");
    Receipt receipt = stub.update(DrillWorkflow.CANCEL, Receipt.class, new CancelRequest("erin", "staging is needed"));
    assertThat(receipt.phase()).isEqualTo(Phase.CANCELLED);
    assertThat(receipt.message()).isEqualTo("cancelling: staging is put back as it was and the drill reports as"
        + " cancelled by erin");
    DrillReport r = stub.getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.CANCELLED);
    assertThat(r.cancelledBy()).isEqualTo("erin: staging is needed");
    assertThat(r.verdict()).isEqualTo("cancelled by erin: staging is needed");
    assertThat(r.message()).isEqualTo("drill of api cancelled by erin (staging is needed); api restored to v2");
    assertThat(r.manualInterventions()).isEqualTo(1);
    assertThat(r.restored()).isTrue();
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(world.drills.row(request.workflowId()).report()).isEqualTo(r);
    // Once it has reported, there is nothing left to cancel.
    assertThatThrownBy(() -> stub.update(DrillWorkflow.CANCEL, Receipt.class, new CancelRequest("erin", "again")))
        .isInstanceOf(WorkflowNotFoundException.class);
  }

  @Test
  void aDrillCancelledWhileItsRunbookWaitsForApprovalCancelsTheRunbookAndThenPutsStagingBack() {
    // dave has no approver role: his drill vote is refused and the runbook waits for a person.
    DrillRequest request = drill(DrillBreak.VERSION, "v3-bad", DrillDetection.HEALTH_CHECK, null, "dave");
    WorkflowStub stub = Runs.drill(client, queue, request);
    WorkflowStub rollback = Runs.awaitStarted(testEnv, client, "rollback-api");
    Runs.awaitPhase(testEnv, rollback, Phase.AWAITING_APPROVAL);
    testEnv.sleep(DrillWorkflowImpl.APPROVER_AFTER.plusSeconds(2));

    Receipt receipt = stub.update(DrillWorkflow.CANCEL, Receipt.class, new CancelRequest("erin", "wrong day"));
    assertThat(receipt.message()).startsWith("cancelling: the runbook rollback-api is cancelled with it, ");
    DrillReport r = stub.getResult(DrillReport.class);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.CANCELLED);
    assertThat(r.rollbackWorkflowId()).isEqualTo("rollback-api");
    assertThat(Runs.status(rollback).phase().terminal()).isTrue();
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(r.restored()).isTrue();
  }

}
