package dev.runbook.workflows;

import static dev.runbook.workflows.testing.Runs.approve;
import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static dev.runbook.workflows.testing.Runs.decide;
import static dev.runbook.workflows.testing.Runs.reject;
import static dev.runbook.workflows.testing.Runs.report;
import static dev.runbook.workflows.testing.Runs.request;
import static dev.runbook.workflows.testing.Runs.start;
import static dev.runbook.workflows.testing.Runs.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.policy.ApprovalPolicy;
import dev.runbook.workflows.policy.ApprovalRule;
import dev.runbook.workflows.policy.PolicySnapshot;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.WorkflowTest;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behaviour every runbook shares, run for each of the three: straight through at P0, the
 * approval gate (approved, rejected, timed out, refused votes), a step that fails for good and
 * each operator decision, cancel, dry run, and one run per service at a time.
 */
class RunbookScenariosTest extends WorkflowTest {

  private WorkflowStub start(RunbookType type, Severity severity) {
    return Runs.start(client, queue, request(type, severity, false));
  }

  /** The end state each runbook is meant to reach: api on v1, web on w1 (full), schema 2. */
  private void assertRolledBack(RunbookType type) {
    assertThat(world.databases.get("api").schema).isEqualTo(2);
    if (type != RunbookType.DATABASE) {
      assertThat(world.services.get("api").version).isEqualTo("v1");
      assertThat(world.services.get("api").running).isTrue();
    }
    if (type == RunbookType.FULL) {
      assertThat(world.services.get("web").version).isEqualTo("w1");
      assertThat(world.services.get("web").running).isTrue();
    }
  }

  private void assertUntouched() {
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(world.services.get("api").running).isTrue();
    assertThat(world.services.get("web").version).isEqualTo("w2");
    assertThat(world.services.get("web").running).isTrue();
    assertThat(world.databases.get("api").schema).isEqualTo(3);
  }

  private List<NotificationKind> kinds() {
    return world.notifications().stream().map(Notification::kind).toList();
  }

  private static StepStatus step(RunReport report, String id) {
    return report.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  private static RefusalKind refusal(Throwable t) {
    assertThat(t).isInstanceOf(WorkflowUpdateException.class);
    Throwable cause = t.getCause();
    assertThat(cause).isInstanceOf(ApplicationFailure.class);
    return RefusalKind.parse(((ApplicationFailure) cause).getOriginalMessage()).kind();
  }

  // ------------------------------------------------------------------ straight through and approval

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void p0RunsStraightThroughWithoutApproval(RunbookType type) {
    WorkflowStub run = start(type, Severity.P0);
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertRolledBack(type);
    assertThat(step(report, "approval").state()).isEqualTo(StepState.SKIPPED);
    assertThat(report.steps()).allSatisfy(s ->
        assertThat(s.state()).isIn(StepState.SUCCEEDED, StepState.SKIPPED));
    assertThat(kinds()).startsWith(NotificationKind.STARTED).doesNotContain(NotificationKind.APPROVAL_REQUESTED);
    assertThat(kinds()).contains(type == RunbookType.FULL ? NotificationKind.REPORT : NotificationKind.RESOLVED);
    assertThat(world.audit()).extracting(e -> e.type())
        .startsWith(AuditEventType.RUN_STARTED)
        .endsWith(AuditEventType.RUN_FINISHED);
    assertThat(world.audit()).extracting(e -> e.seq()).doesNotHaveDuplicates().isSorted();
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void p1WaitsForAnEngineeringLeadAndGoesOnWhenApproved(RunbookType type) {
    WorkflowStub run = start(type, Severity.P1);
    RunStatus waiting = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    assertThat(waiting.pendingApproval().roles()).containsExactly("engineering-lead");
    assertThat(waiting.pendingApproval().required()).isEqualTo(1);
    assertThat(waiting.waitingFor()).contains("engineering-lead");
    assertThat(world.calls("Service.deploy")).isEmpty();
    Notification asked = world.notifications().stream()
        .filter(n -> n.kind() == NotificationKind.APPROVAL_REQUESTED).findFirst().orElseThrow();
    assertThat(asked.audience()).isEqualTo(Audience.APPROVERS);
    assertThat(asked.target()).isEqualTo("engineering-lead");

    assertThat(approve(run, "alice").message()).contains("approved by alice");
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertRolledBack(type);
    assertThat(step(report, "approval").detail()).isEqualTo("approved by alice");
    assertThat(report.actions()).anySatisfy(a -> {
      assertThat(a.actor()).isEqualTo("alice");
      assertThat(a.action()).isEqualTo("approved");
    });
    assertThat(world.audit()).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(AuditEventType.APPROVED);
      assertThat(e.actor()).isEqualTo("alice");
    });
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void p1RejectedEndsTheRunWithTheReasonAndChangesNothingAfterTheGate(RunbookType type) {
    WorkflowStub run = start(type, Severity.P1);
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    reject(run, "bob", "wait for the hotfix instead");
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.REJECTED);
    assertThat(report.message()).contains("bob").contains("wait for the hotfix instead");
    assertUntouched();
    assertThat(world.calls("Service.deploy")).isEmpty();
    assertThat(world.calls("Database.revertMigrations")).isEmpty();
    assertThat(kinds()).contains(NotificationKind.REJECTED).doesNotContain(NotificationKind.RESOLVED);
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void unansweredApprovalEscalatesThroughThePathThenAborts(RunbookType type) {
    WorkflowStub run = start(type, Severity.P1);
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    testEnv.sleep(Duration.ofMinutes(16));
    RunStatus after16 = status(run);
    assertThat(after16.phase()).isEqualTo(Phase.AWAITING_APPROVAL);
    assertThat(after16.pendingApproval().escalationLevel()).isEqualTo(1);
    List<Notification> escalations = world.notifications().stream()
        .filter(n -> n.kind() == NotificationKind.ESCALATED).toList();
    assertThat(escalations).extracting(Notification::target).containsExactly("engineering-manager");
    assertThat(escalations.get(0).audience()).isEqualTo(Audience.ESCALATION);

    testEnv.sleep(Duration.ofMinutes(15));
    assertThat(world.notifications().stream().filter(n -> n.kind() == NotificationKind.ESCALATED))
        .extracting(Notification::target).containsExactly("engineering-manager", "cto");

    RunReport report = report(run);
    assertThat(report.outcome()).isEqualTo(Phase.TIMED_OUT);
    assertThat(report.message()).contains("nobody approved within 1h");
    assertThat(report.duration()).isGreaterThanOrEqualTo(Duration.ofHours(1));
    assertUntouched();
    assertThat(kinds()).contains(NotificationKind.TIMED_OUT);
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void refusedVotesAreAnsweredAtOnceWithTheirReasonAndRecorded(RunbookType type) {
    world.policy(twoApprovalsAtP1());
    WorkflowStub run = start(type, Severity.P1);
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    assertThatThrownBy(() -> approve(run, FakeWorld.REQUESTER))
        .satisfies(t -> assertThat(refusal(t)).isEqualTo(RefusalKind.SELF_APPROVAL))
        .satisfies(t -> assertThat(t.getCause().getMessage()).contains("requested this run"));
    assertThatThrownBy(() -> approve(run, "dave"))
        .satisfies(t -> assertThat(refusal(t)).isEqualTo(RefusalKind.WRONG_ROLE))
        .satisfies(t -> assertThat(t.getCause().getMessage()).contains("lacks role engineering-lead"));
    assertThatThrownBy(() -> approve(run, "mallory"))
        .satisfies(t -> assertThat(refusal(t)).isEqualTo(RefusalKind.UNKNOWN_PERSON));
    assertThat(approve(run, "alice").message()).contains("1 of 2");
    assertThatThrownBy(() -> approve(run, "alice"))
        .satisfies(t -> assertThat(refusal(t)).isEqualTo(RefusalKind.DUPLICATE_VOTE))
        .satisfies(t -> assertThat(t.getCause().getMessage()).contains("already voted"));
    assertThatThrownBy(() -> reject(run, "bob", " "))
        .satisfies(t -> assertThat(refusal(t)).isEqualTo(RefusalKind.INVALID));

    // A tool that can only signal: refused the same way, recorded in the run.
    run.signal("approve-signal", new Vote("dave", null));
    // A client reports a refusal it received, so the run keeps it.
    run.signal("record-refusal", new dev.runbook.workflows.model.Refusal("dave", "approve", "lacks role"));

    assertThat(approve(run, "bob").message()).contains("approved by bob");
    RunReport report = report(run);
    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(step(report, "approval").detail()).isEqualTo("approved by alice, bob");
    assertThat(report.actions()).filteredOn(a -> a.action().startsWith("refused"))
        .hasSize(2)
        .allSatisfy(a -> assertThat(a.actor()).isEqualTo("dave"));
    assertThat(world.audit()).filteredOn(e -> e.type() == AuditEventType.REFUSED).hasSize(2);
  }

  private static PolicySnapshot twoApprovalsAtP1() {
    ApprovalPolicy d = ApprovalPolicy.defaults();
    Map<Severity, ApprovalRule> rules = new EnumMap<>(d.rules());
    ApprovalRule p1 = rules.get(Severity.P1);
    rules.put(Severity.P1, new ApprovalRule(2, p1.roles(), p1.timeout(), p1.escalation(), p1.abortAfter()));
    return new PolicySnapshot(new ApprovalPolicy(rules, d.dataLoss()), FakeWorld.people());
  }

  // ------------------------------------------------------------------ a step that fails for good

  /** The step each runbook is made to fail, the activity behind it, and whether skip is allowed. */
  private record Failing(String activity, String step) {}

  private static Failing required(RunbookType type) {
    return switch (type) {
      case EMERGENCY -> new Failing("Service.deploy", "deploy");
      case DATABASE -> new Failing("Database.revertMigrations", "revert-migrations");
      case FULL -> new Failing("Service.deploy", "deploy-api");
      default -> throw new IllegalArgumentException(type + " is not a rollback runbook");
    };
  }

  private static Failing skippable(RunbookType type) {
    return switch (type) {
      case EMERGENCY -> new Failing("Service.verify", "verify");
      case DATABASE -> new Failing("Database.checkIntegrity", "capture-evidence");
      case FULL -> new Failing("Service.verify", "verify-api");
      default -> throw new IllegalArgumentException(type + " is not a rollback runbook");
    };
  }

  private WorkflowStub failOnce(RunbookType type, Failing f) {
    world.fail(f.activity(), FailureType.NOT_SUPPORTED, 1);
    WorkflowStub run = start(type, Severity.P0);
    RunStatus s = awaitPhase(testEnv, run, Phase.NEEDS_DECISION);
    assertThat(s.pendingDecision().step()).isEqualTo(f.step());
    assertThat(s.pendingDecision().error()).contains("NOT_SUPPORTED");
    Notification n = world.notifications().stream()
        .filter(x -> x.kind() == NotificationKind.NEEDS_DECISION).findFirst().orElseThrow();
    assertThat(n.audience()).isEqualTo(Audience.ESCALATION);
    assertThat(n.detail()).contains(f.step());
    return run;
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void retryRunsTheFailedStepAgainAndTheRunCompletes(RunbookType type) {
    Failing f = required(type);
    WorkflowStub run = failOnce(type, f);
    assertThat(status(run).pendingDecision().options())
        .containsExactly(DecisionAction.RETRY, DecisionAction.COMPENSATE, DecisionAction.ABORT);

    decide(run, DecisionAction.RETRY, FakeWorld.REQUESTER);
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertRolledBack(type);
    assertThat(step(report, f.step()).attempts()).isEqualTo(2);
    assertThat(report.actions()).anySatisfy(a -> assertThat(a.action()).isEqualTo("decided retry"));
    assertThat(world.audit()).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(AuditEventType.DECIDED);
      assertThat(e.actor()).isEqualTo(FakeWorld.REQUESTER);
      assertThat(e.data()).containsEntry("action", "retry");
    });
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void skipIsRefusedWhereLaterStepsDependOnItAndOtherVotesAreRefusedToo(RunbookType type) {
    WorkflowStub blocked = failOnce(type, required(type));

    assertThatThrownBy(() -> decide(blocked, DecisionAction.SKIP, FakeWorld.REQUESTER))
        .satisfies(t -> assertThat(refusal(t)).isEqualTo(RefusalKind.NOT_ALLOWED))
        .satisfies(t -> assertThat(t.getCause().getMessage()).contains("later steps depend on it"));
    assertThatThrownBy(() -> decide(blocked, DecisionAction.RETRY, "dave"))
        .satisfies(t -> assertThat(refusal(t)).isEqualTo(RefusalKind.WRONG_ROLE));
    assertThatThrownBy(() -> approve(blocked, "alice"))
        .satisfies(t -> assertThat(refusal(t)).isEqualTo(RefusalKind.NOT_WAITING))
        .satisfies(t -> assertThat(t.getCause().getMessage()).contains("needs-decision"));

    decide(blocked, DecisionAction.ABORT, "alice");
    assertThat(report(blocked).outcome()).isEqualTo(Phase.ABORTED);
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void skipMarksTheStepSkippedAndTheRunGoesOn(RunbookType type) {
    Failing f = skippable(type);
    WorkflowStub run = failOnce(type, f);
    assertThat(status(run).pendingDecision().options()).contains(DecisionAction.SKIP);

    decide(run, DecisionAction.SKIP, "alice");
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(step(report, f.step()).state()).isEqualTo(StepState.SKIPPED);
    assertThat(step(report, f.step()).detail()).isEqualTo("skipped by alice");
    assertRolledBack(type);
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void compensateUndoesWhatWasDoneNewestFirst(RunbookType type) {
    Failing f = required(type);
    WorkflowStub run = failOnce(type, f);

    decide(run, DecisionAction.COMPENSATE, "bob");
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.COMPENSATED);
    assertThat(report.message()).startsWith("compensated by bob");
    assertUntouched();
    assertThat(report.steps()).filteredOn(s -> s.id().startsWith("compensate-"))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.state()).isEqualTo(StepState.SUCCEEDED));
    if (type != RunbookType.FULL) {
      // The database was changed before the failing step: the safety backup is restored.
      assertThat(world.calls("Database.restoreInPlace")).hasSize(1);
    }
    assertThat(kinds()).contains(NotificationKind.COMPENSATED);
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void abortStopsWhereTheRunIsAndSaysWho(RunbookType type) {
    Failing f = required(type);
    WorkflowStub run = failOnce(type, f);
    int callsBefore = world.calls().size();

    decide(run, DecisionAction.ABORT, "alice");
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.ABORTED);
    assertThat(report.message()).contains("aborted by alice").contains(f.step());
    assertThat(step(report, f.step()).state()).isEqualTo(StepState.FAILED);
    assertThat(world.calls().subList(callsBefore, world.calls().size()))
        .allSatisfy(c -> assertThat(c).matches("(Notify|Audit)\\..*").as("only the abort is announced and logged"))
        .isNotEmpty();
    assertThat(kinds()).contains(NotificationKind.ABORTED);
  }

  // ------------------------------------------------------------------ cancel, dry run, one at a time

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void cancelStopsTheRunAndRecordsWhoCancelled(RunbookType type) {
    WorkflowStub run = start(type, Severity.P1);
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    assertThat(Runs.cancel(run, FakeWorld.REQUESTER).message()).contains("cancelling");
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.CANCELLED);
    assertThat(report.message()).contains("cancelled by " + FakeWorld.REQUESTER).contains("wrong service");
    assertUntouched();
    assertThat(kinds()).contains(NotificationKind.CANCELLED);
    assertThat(world.audit()).anySatisfy(e -> assertThat(e.type()).isEqualTo(AuditEventType.CANCEL_REQUESTED));
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void cancelFromTemporalEndsTheRunCancelledAfterCleaningUp(RunbookType type) {
    WorkflowStub run = start(type, Severity.P1);
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    run.cancel();

    assertThatThrownBy(() -> run.getResult(Object.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(status(run).phase()).isEqualTo(Phase.CANCELLED);
    assertThat(kinds()).contains(NotificationKind.CANCELLED);
    assertUntouched();
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void cancelWhileTheRollbackLogIsBeingWrittenStillEndsTheRunCancelled(RunbookType type) {
    // The run shows AWAITING_APPROVAL while it still writes the request to the rollback log; a
    // cancel at that moment interrupts that write, and the run must still end as cancelled.
    FakeWorld.Hold logWrite = world.hold("Audit.record", AuditEventType.APPROVAL_REQUESTED.name());
    try {
      WorkflowStub run = start(type, Severity.P1);
      logWrite.awaitEntered();
      assertThat(status(run).phase()).isEqualTo(Phase.AWAITING_APPROVAL);

      Runs.cancel(run, FakeWorld.REQUESTER);
      RunReport report = report(run);

      assertThat(report.outcome()).isEqualTo(Phase.CANCELLED);
      assertThat(report.message()).contains("cancelled by " + FakeWorld.REQUESTER);
      assertThat(kinds()).contains(NotificationKind.CANCELLED);
      assertUntouched();
      assertThat(world.audit()).extracting(e -> e.type())
          .contains(AuditEventType.APPROVAL_REQUESTED, AuditEventType.CANCEL_REQUESTED);
    } finally {
      logWrite.release();
    }
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void cancelFromTemporalWhileTheRollbackLogIsBeingWrittenEndsTheRunCancelled(RunbookType type) {
    FakeWorld.Hold logWrite = world.hold("Audit.record", AuditEventType.APPROVAL_REQUESTED.name());
    try {
      WorkflowStub run = start(type, Severity.P1);
      logWrite.awaitEntered();

      run.cancel();

      assertThatThrownBy(() -> run.getResult(Object.class))
          .isInstanceOf(WorkflowFailedException.class)
          .hasCauseInstanceOf(CanceledFailure.class);
      assertThat(status(run).phase()).isEqualTo(Phase.CANCELLED);
      assertUntouched();
    } finally {
      logWrite.release();
    }
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void dryRunPlansEveryActionAndChangesNothing(RunbookType type) {
    WorkflowStub run = Runs.start(client, queue, request(type, Severity.P1, true));
    RunReport report = report(run);

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(report.message()).startsWith("dry run: nothing was changed");
    assertThat(world.mutations()).isZero();
    assertUntouched();
    assertThat(world.notifications()).isEmpty();
    assertThat(world.calls()).filteredOn(c -> !c.startsWith("Policy.") && !c.startsWith("Audit."))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c).endsWith(" dry"));
    assertThat(report.plannedActions())
        .anySatisfy(p -> assertThat(p).startsWith("approval: wait for 1 approval from engineering-lead"));
    String deploy = switch (type) {
      case EMERGENCY -> "deploy: would run: deploy api v1";
      case DATABASE -> "revert-migrations: would run: run U3 down to 2";
      case FULL -> "deploy-web: would run: deploy web w1";
      default -> throw new IllegalArgumentException(type + " is not a rollback runbook");
    };
    assertThat(report.plannedActions()).contains(deploy);
    assertThat(report.steps()).allSatisfy(s -> assertThat(s.state()).isEqualTo(StepState.PLANNED));
  }

  @ParameterizedTest
  @EnumSource(value = RunbookType.class, names = {"EMERGENCY", "DATABASE", "FULL"})
  void aSecondRunForTheSameTargetIsRefusedWhileTheFirstRuns(RunbookType type) {
    WorkflowStub first = start(type, Severity.P1);
    awaitPhase(testEnv, first, Phase.AWAITING_APPROVAL);

    assertThatThrownBy(() -> start(type, Severity.P0))
        .isInstanceOf(WorkflowExecutionAlreadyStarted.class)
        .hasMessageContaining(first.getExecution().getWorkflowId());
    reject(first, "alice", "duplicate");
    assertThat(report(first).outcome()).isEqualTo(Phase.REJECTED);
  }
}
