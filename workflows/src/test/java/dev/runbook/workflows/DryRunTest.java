package dev.runbook.workflows;

import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static dev.runbook.workflows.testing.Runs.report;
import static dev.runbook.workflows.testing.Runs.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Dry runs hold nothing and promise nothing: a step that cannot be planned ends the dry run at
 * once with the plan so far (nobody is asked to decide), every planned step says what it would
 * do, and a dry full rollback's child runs take dry-run IDs, never a service's business ID.
 */
class DryRunTest extends WorkflowTest {

  private WorkflowStub dryRun(RunbookType type) {
    return Runs.start(client, queue, request(type, Severity.P1, true));
  }

  private StepStatus step(RunReport report, String id) {
    return report.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void aStepThatCannotBePlannedEndsTheDryRunAtOnceWithThePlanSoFar(RunbookType type) {
    String failing = type == RunbookType.DATABASE ? "Database.resolveSchemaTarget" : "Service.resolveTarget";
    world.fail(failing, FailureType.NOT_SUPPORTED, 1);
    String stoppedAt = switch (type) {
      case EMERGENCY -> "resolve-target";
      case DATABASE -> "resolve-schema";
      case FULL -> "prepare-api";
      default -> throw new IllegalArgumentException(type + " is not a rollback runbook");
    };
    // Emergency and full find their targets before they announce anything.
    String plannedSoFar = switch (type) {
      case EMERGENCY -> "capture-evidence";
      case DATABASE -> "notify-started";
      case FULL -> "nothing";
      default -> throw new IllegalArgumentException(type + " is not a rollback runbook");
    };

    WorkflowStub run = dryRun(type);
    // The result comes back without anyone deciding: the run did not wait.
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.PLAN_INCOMPLETE);
    assertThat(report.message())
        .startsWith("dry run stopped at " + stoppedAt + ": ")
        .contains(failing + " failed")
        .contains("planned so far: " + plannedSoFar)
        .endsWith("; nothing was changed");
    assertThat(report.plannedActions()).hasSizeGreaterThanOrEqualTo(type == RunbookType.FULL ? 0 : 1)
        .allSatisfy(p -> assertThat(p).doesNotStartWith(stoppedAt + ":").doesNotStartWith("deploy"));
    assertThat(step(report, stoppedAt).state()).isEqualTo(StepState.FAILED);
    assertThat(step(report, stoppedAt).error()).contains(failing + " failed");
    assertThat(report.steps()).extracting(StepStatus::id).doesNotContain("approval", "deploy", "verify");
    assertThat(Runs.status(run).pendingDecision()).isNull();
    assertThat(world.audit()).extracting(e -> e.type())
        .doesNotContain(AuditEventType.DECISION_REQUESTED)
        .contains(AuditEventType.RUN_FINISHED);
    assertThat(world.plannedNotifications()).extracting(Notification::kind)
        .doesNotContain(NotificationKind.NEEDS_DECISION, NotificationKind.FAILED);
    assertThat(world.notifications()).isEmpty();
    assertThat(world.mutations()).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void everyPlannedStepSaysWhatItWouldDoNeverWhatItDid(RunbookType type) {
    RunReport report = report(dryRun(type));

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    for (StepStatus s : report.steps()) {
      if (s.planned().isEmpty() || s.id().equals("capture-evidence") && type == RunbookType.EMERGENCY) {
        continue; // reads only (the policy; the emergency's evidence, read for real)
      }
      assertThat(s.detail()).as(s.id()).startsWith("would ");
    }
    assertThat(report.steps()).extracting(StepStatus::detail)
        .noneSatisfy(d -> assertThat(String.valueOf(d)).containsAnyOf("healthy on", "rolled back"));
    String verify = switch (type) {
      case EMERGENCY -> "verify";
      case DATABASE -> "verify";
      case FULL -> "verify-api";
      default -> throw new IllegalArgumentException(type + " is not a rollback runbook");
    };
    assertThat(step(report, verify).detail())
        .isEqualTo(type == RunbookType.DATABASE
            ? "would verify schema 2 and integrity checks"
            : "would check health, version v1, smoke checks and error rate");
    assertThat(step(report, "approval").detail()).startsWith("would wait for 1 approval from engineering-lead within 15m");

    List<Notification> planned = world.plannedNotifications();
    Notification last = planned.get(planned.size() - 1);
    assertThat(last.kind()).isEqualTo(type == RunbookType.FULL ? NotificationKind.REPORT : NotificationKind.RESOLVED);
    assertThat(last.detail()).contains("would").doesNotContain("healthy", "rolled back from");
  }

  @Test
  void aDryFullRollbacksChildRunsTakeDryRunIdsSoTheyHoldNoService() {
    WorkflowStub real = Runs.start(client, queue, request(RunbookType.EMERGENCY, Severity.P1, false));
    awaitPhase(testEnv, real, Phase.AWAITING_APPROVAL);

    WorkflowStub dry = dryRun(RunbookType.FULL);
    RunReport report = report(dry);

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    String id = dry.getExecution().getWorkflowId();
    assertThat(id).matches("dryrun-full-prod-[0-9a-f]{8}");
    List<String> children = client.fetchHistory(id).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
        .map(HistoryEvent::getChildWorkflowExecutionStartedEventAttributes)
        .map(a -> a.getWorkflowExecution().getWorkflowId())
        .distinct().toList();
    assertThat(children).hasSize(2)
        .allSatisfy(c -> assertThat(c).matches("dryrun-(api|web)-[0-9a-f]{8}"));
    assertThat(Runs.status(real).phase()).isEqualTo(Phase.AWAITING_APPROVAL);
    assertThat(world.mutations()).isZero();
  }
}
