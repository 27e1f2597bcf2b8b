package dev.runbook.workflows.engine;


import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.PlanActivities.PlanRequest;
import dev.runbook.workflows.engine.ApprovalState.Status;
import dev.runbook.workflows.model.PendingApproval;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.policy.ApprovalRule;
import dev.runbook.workflows.policy.Durations;
import dev.runbook.workflows.policy.VoteRules;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The approval gate (DESIGN §4): asks the approvers, counts votes by the rules of {@link
 * VoteRules}, escalates each time a timeout passes and ends the run when nobody approved in time,
 * is rejected, or waits for a P2 run's start time once approved.
 */
final class ApprovalGate {
  private final RunState run;
  private final Journal journal;
  private final PlanBinding plans;
  private final ApprovalVotes votes;
  private ApprovalState approval;

  ApprovalGate(RunState run, Journal journal) {
    this.run = run;
    this.journal = journal;
    this.plans = new PlanBinding(run, journal);
    this.votes = new ApprovalVotes(run, journal, plans);
  }

  /** The steps the run takes once approved: votes approve their plan (see {@link PlanBinding}). */
  void bind(PlanRequest request) {
    plans.bind(request);
  }

  /**
   * Asks for approval without waiting: approvers are notified and the escalation clock starts,
   * while the run goes on preparing (a staged restore). {@link #await} then waits.
   */
  void open(ApprovalRule rule) {
    open(rule, null);
  }

  /**
   * Asks for approval at the start of an armed run's window, so the rollback can go as soon as the
   * window ends: the phase stays armed, and the escalation and abort clocks start at {@code dueAt}.
   *
   * @param dueAt when the armed window ends; null asks the usual way
   */
  void open(ApprovalRule rule, Instant dueAt) {
    StepRecord s = run.step("approval", "Approval");
    s.startedAt = run.now();
    s.attempts = 1;
    run.current = s;
    if (!rule.required()) {
      s.state = StepState.SKIPPED;
      s.detail = "no approval needed at " + run.request.severity();
      s.finishedAt = run.now();
      journal.audit(AuditEventType.STEP_SKIPPED, null, s.id, s.detail, s.auditData());
      return;
    }
    if (run.request.dryRun()) {
      s.state = StepState.PLANNED;
      s.planned.add("wait for " + rule.describe());
      s.detail = "would wait for " + rule.describe();
      s.finishedAt = run.now();
      return;
    }
    ApprovalState a = new ApprovalState(rule, run.now(), dueAt == null ? run.now() : dueAt);
    approval = a;
    s.state = StepState.RUNNING;
    s.detail = "waiting for " + rule.describe();
    if (dueAt == null) {
      run.waitingFor = "approval by " + String.join(" or ", rule.roles());
      run.setPhase(Phase.AWAITING_APPROVAL);
    }
    Map<String, String> data = Map.of("roles", String.join(",", rule.roles()));
    if (plans.bound() && Versions.planBound()) {
      a.plan = plans.read();
      data = Map.of("roles", String.join(",", rule.roles()), "plan", a.plan.hash());
    }
    String detail = "needs " + rule.describe()
        + (dueAt == null ? "" : "; the armed rollback is due at " + Shown.time(dueAt)
            + ": approve before then and it goes ahead as soon as the window ends unless disarmed")
        + (a.plan == null ? "" : PlanBinding.shown(a.plan));
    String approvers = String.join(",", rule.roles());
    if (run.askingBehind) {
      journal.audit(AuditEventType.APPROVAL_REQUESTED, null, s.id, rule.describe(), data);
      journal.flushBehind();
      journal.notifyBehind(NotificationKind.APPROVAL_REQUESTED, Audience.APPROVERS, approvers, detail);
    } else {
      journal.notify(NotificationKind.APPROVAL_REQUESTED, Audience.APPROVERS, approvers, detail);
      journal.audit(AuditEventType.APPROVAL_REQUESTED, null, s.id, rule.describe(), data);
      journal.flush();
    }
    int round = a.round;
    Async.procedure(() -> watch(a, round));
  }

  /**
   * Escalates each time the timeout passes, and times the gate out after abortAfter. Serves one
   * asking: a request asked again (a lapsed approval) gets a watch of its own.
   */
  private void watch(ApprovalState a, int round) {
    while (a.status == Status.OPEN && a.round == round) {
      Instant abortAt = a.abortsAt();
      Instant next = a.nextEscalationAt();
      Instant wake = next != null && next.isBefore(abortAt) ? next : abortAt;
      Duration wait = Duration.between(run.now(), wake);
      boolean settled = Workflow.await(
          wait.isNegative() ? Duration.ZERO : wait, () -> a.status != Status.OPEN || a.round != round);
      if (settled || a.status != Status.OPEN || a.round != round) {
        return;
      }
      if (!run.now().isBefore(abortAt)) {
        a.status = Status.TIMED_OUT;
        run.action("runbook", "approval timed out", "nobody approved within " + Durations.human(a.rule.abortAfter()));
        journal.audit(AuditEventType.STEP_FAILED, null, "approval", "timed out", Map.of());
        a.fireRefused();
        return;
      }
      String target = a.rule.escalation().get(a.level);
      a.level++;
      Duration waited = Duration.between(a.requestedAt, run.now());
      run.action("runbook", "escalated", "to " + target + " after " + Durations.human(waited));
      journal.notify(
          NotificationKind.ESCALATED,
          Audience.ESCALATION,
          target,
          "no approval after " + Durations.human(waited) + "; needs " + a.rule.describe());
      journal.audit(AuditEventType.ESCALATED, null, "approval", "to " + target, Map.of("level", Integer.toString(a.level)));
      journal.flush();
      run.refreshDetails();
    }
  }

  /** An armed run was disarmed: the gate stops asking, and no vote counts any more. */
  void withdraw() {
    ApprovalState a = approval;
    if (a == null || (a.status != Status.OPEN && a.status != Status.APPROVED)) {
      return;
    }
    StepRecord s = run.step("approval", "Approval");
    s.state = StepState.SKIPPED;
    s.detail = a.status == Status.APPROVED
        ? "approved by " + String.join(", ", a.approvedBy) + "; not used: the run was disarmed"
        : "not needed any more: the run was disarmed";
    s.finishedAt = run.now();
    a.status = Status.WITHDRAWN;
  }

  /**
   * An armed run's window ended: when the gate still waits, the run now waits for approval; when
   * it was approved during the window, the run goes ahead.
   */
  void windowEnded() {
    if (approval != null && approval.status == Status.OPEN) {
      run.waitingFor = "approval by " + String.join(" or ", approval.rule.roles());
      run.setPhase(Phase.AWAITING_APPROVAL);
    } else {
      run.waitingFor = null;
      run.setPhase(Phase.EXECUTING);
    }
  }

  /** Runs {@code action} when the gate is rejected or times out (to stop preparation work). */
  void onRefused(Runnable action) {
    if (approval != null) {
      approval.onRefused.add(action);
    }
  }

  boolean refused() {
    return approval != null && (approval.status == Status.REJECTED || approval.status == Status.TIMED_OUT);
  }

  boolean isOpen() {
    return approval != null && approval.status == Status.OPEN;
  }

  /** True once the run has asked anyone for approval. */
  boolean asked() {
    return approval != null;
  }

  /** Waits for the gate opened by {@link #open}; ends the run when it is refused. */
  void await() {
    ApprovalState a = approval;
    if (a != null) {
      a.awaited = true;
      Workflow.await(() -> a.status != Status.OPEN);
      while (a.status == Status.APPROVED && a.plan != null && !planStillHolds(a)) {
        Workflow.await(() -> a.status != Status.OPEN);
      }
      a.awaited = false;
      StepRecord s = run.step("approval", "Approval");
      s.finishedAt = run.now();
      if (run.phase != Phase.SCHEDULED) {
        run.waitingFor = null;
      }
      switch (a.status) {
        case APPROVED -> {
          s.state = StepState.SUCCEEDED;
          s.detail = "approved by " + String.join(", ", a.approvedBy);
          journal.notifyBehind(NotificationKind.APPROVED, Audience.TEAM, null, s.detail);
          journal.flushBehind();
        }
        case REJECTED -> {
          s.state = StepState.FAILED;
          s.error = "rejected by " + a.rejectedBy + ": " + a.rejection;
          throw new RunEnded(Phase.REJECTED, s.error);
        }
        default -> {
          s.state = StepState.FAILED;
          s.error = "nobody approved within " + Durations.human(a.rule.abortAfter());
          throw new RunEnded(Phase.TIMED_OUT, s.error + "; the run was aborted");
        }
      }
    }
    waitForStartTime();
  }

  /**
   * Reads the plan again once approved; when it changed, the approval lapsed (see {@link
   * PlanBinding#stillHolds}) and the request, asked again, gets a watch of its own.
   */
  private boolean planStillHolds(ApprovalState a) {
    if (plans.stillHolds(a)) {
      return true;
    }
    int round = a.round;
    Async.procedure(() -> watch(a, round));
    return false;
  }

  /** Approvals wait while a staged restore measures what it discards. */
  void measuringDiscards(String why) {
    plans.measuring(approval, why);
  }

  /** What the restore discards is known: approvers are told, and approvals count from now. */
  void discardsMeasured(DiscardReport report) {
    plans.measured(approval, report);
  }

  /** P2 runs may carry a start time: wait for it, durably. */
  private void waitForStartTime() {
    Instant notBefore = run.request.notBefore();
    if (notBefore == null || run.request.dryRun() || !run.now().isBefore(notBefore)) {
      return;
    }
    run.waitingFor = "the start time " + notBefore;
    run.setPhase(Phase.SCHEDULED);
    Workflow.sleep(Duration.between(run.now(), notBefore));
    run.waitingFor = null;
    run.setPhase(Phase.EXECUTING);
  }

  // ---------------------------------------------------------------- votes (see ApprovalVotes)

  void validate(Vote vote, boolean approving) {
    votes.validate(approval, vote, approving);
  }

  Receipt approve(Vote vote) {
    return votes.approve(approval, vote);
  }

  Receipt reject(Vote vote) {
    return votes.reject(approval, vote);
  }

  PendingApproval pending() {
    return votes.pending(approval);
  }
}
