package dev.runbook.workflows;

import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.FullRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.policy.ApprovalPolicy;
import dev.runbook.workflows.policy.PolicySnapshot;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real run compares its time to rolled back and verified with the SLA its policy snapshot carries. */
class SlaTest extends WorkflowTest {

  private static EmergencyRollbackRequest request(Severity severity) {
    return new EmergencyRollbackRequest("api", severity, "checkout errors after v2", FakeWorld.REQUESTER, false,
        null, null, false, null, null, Duration.ofMinutes(20), null);
  }

  private void sla(Duration sla) {
    world.policy(new PolicySnapshot(ApprovalPolicy.defaults(), FakeWorld.people(), sla));
  }

  private Notification resolved() {
    return world.notifications().stream().filter(n -> n.kind() == NotificationKind.RESOLVED).findFirst()
        .orElseThrow();
  }

  private AuditEvent measured() {
    return world.audit().stream().filter(e -> e.type() == AuditEventType.SLA_MEASURED).findFirst().orElseThrow();
  }

  @Test
  void aQuickRollbackIsWithinItsSlaAndTheMonitoringAfterItDoesNotCount() {
    sla(Duration.ofMinutes(10));

    Runs.start(client, queue, request(Severity.P0)).getResult(EmergencyRollbackResult.class);

    assertThat(resolved().detail()).endsWith("; within SLA (0s of 10m)");
    assertThat(measured().detail()).isEqualTo("within SLA (0s of 10m)");
    assertThat(measured().data()).containsEntry("withinSla", "true").containsEntry("slaMs", "600000");
  }

  @Test
  void aRollbackThatWaitedThirteenMinutesForApprovalIsOverItsSlaByThree() {
    sla(Duration.ofMinutes(10));
    WorkflowStub run = Runs.start(client, queue, request(Severity.P1));
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    testEnv.sleep(Duration.ofMinutes(13));
    Runs.approve(run, "alice");

    run.getResult(EmergencyRollbackResult.class);

    assertThat(resolved().detail()).containsPattern("; over SLA by 3m0\\ds \\(13m0\\ds of 10m\\)$");
    assertThat(measured().data()).containsEntry("withinSla", "false");
  }

  @Test
  void theFullRunbooksStatusReportSaysHowItComparedWithItsSla() {
    sla(Duration.ofMinutes(30));

    Runs.start(client, queue, new FullRollbackRequest("prod", List.of("api", "web"), List.of(), Severity.P0,
        "release 42", FakeWorld.REQUESTER, false, null, null, null, null)).getResult(FullRollbackResult.class);

    Notification report = world.notifications().stream().filter(n -> n.kind() == NotificationKind.REPORT)
        .findFirst().orElseThrow();
    assertThat(report.detail()).endsWith("; within SLA (0s of 30m)");
    assertThat(world.audit()).filteredOn(e -> e.type() == AuditEventType.SLA_MEASURED).singleElement()
        .satisfies(e -> assertThat(e.step()).isEqualTo("report"));
  }

  @Test
  void withoutAnSlaTheMessageSaysNothingOfIt() {
    Runs.start(client, queue, request(Severity.P0)).getResult(EmergencyRollbackResult.class);

    assertThat(resolved().detail()).doesNotContain("SLA");
    assertThat(world.audit()).noneMatch(e -> e.type() == AuditEventType.SLA_MEASURED);
  }
}
