package dev.runbook.workflows.engine;

import static dev.runbook.workflows.engine.Failures.blank;
import static dev.runbook.workflows.engine.Failures.refuse;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.PlanActivities.Plan;
import dev.runbook.workflows.activities.PlanActivities.PlanRequest;
import dev.runbook.workflows.engine.ApprovalState.Status;
import dev.runbook.workflows.model.PendingApproval;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.policy.ApprovalRule;
import dev.runbook.workflows.policy.Durations;
import dev.runbook.workflows.policy.VoteRules;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  private ApprovalState approval;

  ApprovalGate(RunState run, Journal journal) {
    this.run = run;
    this.journal = journal;
    this.plans = new PlanBinding(run);
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
    journal.notify(
        NotificationKind.APPROVAL_REQUESTED,
        Audience.APPROVERS,
        String.join(",", rule.roles()),
        "needs " + rule.describe()
            + (dueAt == null ? "" : "; the armed rollback is due at " + Shown.time(dueAt)
                + ": approve before then and it goes ahead as soon as the window ends unless disarmed")
            + (a.plan == null ? "" : PlanBinding.shown(a.plan)));
    journal.audit(AuditEventType.APPROVAL_REQUESTED, null, s.id, rule.describe(), data);
    journal.flush();
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
      Workflow.await(() -> a.status != Status.OPEN);
      while (a.status == Status.APPROVED && a.plan != null && !planStillHolds(a)) {
        Workflow.await(() -> a.status != Status.OPEN);
      }
      StepRecord s = run.step("approval", "Approval");
      s.finishedAt = run.now();
      if (run.phase != Phase.SCHEDULED) {
        run.waitingFor = null;
      }
      switch (a.status) {
        case APPROVED -> {
          s.state = StepState.SUCCEEDED;
          s.detail = "approved by " + String.join(", ", a.approvedBy);
          journal.notify(NotificationKind.APPROVED, Audience.TEAM, null, s.detail);
          journal.flush();
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
   * Reads the plan again once approved. When it changed (another running version, a newer backup,
   * another configured command), the approval lapses: the votes no longer count and the approvers
   * are asked again, told what changed.
   */
  private boolean planStillHolds(ApprovalState a) {
    Plan now = plans.read();
    if (now.hash().equals(a.plan.hash())) {
      return true;
    }
    String because = PlanBinding.changes(a.plan, now);
    List<String> approvers = List.copyOf(a.approvedBy);
    Plan before = a.plan;
    a.plan = now;
    a.lapses++;
    a.lapsedBecause = because;
    a.approvedBy.clear();
    a.status = Status.OPEN;
    a.round++;
    run.action("runbook", "approval lapsed", "approved by " + String.join(", ", approvers) + " for plan "
        + before.shortHash() + "; the plan changed: " + because);
    journal.audit(AuditEventType.APPROVAL_REQUESTED, null, "approval", "lapsed: the plan changed: " + because,
        Map.of("roles", String.join(",", a.rule.roles()), "plan", now.hash(), "lapsed", before.hash()));
    StepRecord s = run.step("approval", "Approval");
    s.detail = "waiting for " + a.rule.describe() + " (asked again: the plan changed)";
    if (run.armed == null || run.phase != Phase.ARMED) {
      run.waitingFor = "approval by " + String.join(" or ", a.rule.roles());
      run.setPhase(Phase.AWAITING_APPROVAL);
    }
    journal.notify(
        NotificationKind.APPROVAL_REQUESTED,
        Audience.APPROVERS,
        String.join(",", a.rule.roles()),
        "the approval by " + String.join(", ", approvers) + " lapsed: the plan changed since it was approved ("
            + because + "); needs " + a.rule.describe() + " again" + PlanBinding.shown(now));
    journal.flush();
    run.refreshDetails();
    int round = a.round;
    Async.procedure(() -> watch(a, round));
    return false;
  }

  /**
   * A staged restore is measuring what it would discard: approvals wait for the figures (a
   * rejection does not).
   */
  void measuringDiscards(String why) {
    ApprovalState a = approval;
    if (a != null && a.status == Status.OPEN && a.plan != null) {
      a.votesWaitFor = why;
      run.refreshDetails();
    }
  }

  /**
   * What the restore discards is known (null: it could not be measured and the step was skipped):
   * the current step says it, approvers are told, and approvals count from now.
   */
  void discardsMeasured(DiscardReport report) {
    String text = Shown.discards(report);
    run.detail(text);
    ApprovalState a = approval;
    if (a == null) {
      return;
    }
    a.discards = report;
    a.votesWaitFor = null;
    if (a.status == Status.OPEN) {
      journal.notify(
          NotificationKind.APPROVAL_REQUESTED,
          Audience.APPROVERS,
          String.join(",", a.rule.roles()),
          text + "; needs " + a.rule.describe() + (a.plan == null ? "" : " for plan " + a.plan.shortHash()));
      journal.flush();
    }
    run.refreshDetails();
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

  // ---------------------------------------------------------------- votes

  void validate(Vote vote, boolean approving) {
    if (vote == null || blank(vote.person())) {
      refuse(RefusalKind.INVALID, "a vote must name the person: pass --as NAME");
    }
    String notWaiting = notWaiting();
    if (notWaiting != null) {
      refuse(RefusalKind.NOT_WAITING, notWaiting);
    }
    ApprovalState a = approval;
    if (approving && a.votesWaitFor != null) {
      refuse(RefusalKind.NOT_WAITING, "approvals wait for " + a.votesWaitFor + ": look at what the restore"
          + " discards once it is shown (runbook status), then vote");
    }
    if (approving && a.plan != null && !blank(vote.planHash()) && !a.plan.matches(vote.planHash())) {
      refuse(RefusalKind.PLAN_CHANGED, "you looked at plan " + Validation.printable(vote.planHash())
          + " but the run's plan is now " + a.plan.shortHash()
          + (a.lapsedBecause == null ? "" : " (" + a.lapsedBecause + ")")
          + ": look at the plan again (runbook status " + run.workflowId + ") and approve that one");
    }
    VoteRules.refusal(
            run.policy, a.rule, run.request.requestedBy(), a.voters(), vote.person(), vote.comment(), approving)
        .ifPresent(v -> refuse(v.kind(), v.message()));
  }

  /**
   * Why the run takes no vote now, or null when it waits for one. Said from what the gate and the
   * run know, not from the phase alone: the phase moves on only once the run acts on the outcome.
   */
  private String notWaiting() {
    if (run.ending != null) {
      return "the run is " + run.ending + ": votes no longer count";
    }
    if (run.request != null && !run.request.runbook().rollback()) {
      return "a " + run.request.runbook().id() + " takes no approval: there is nothing to vote on";
    }
    ApprovalState a = approval;
    if (a == null) {
      StepRecord s = run.existingStep("approval");
      if (s == null) {
        return "the run has not asked for approval yet (phase: " + run.phase.label() + ")";
      }
      return s.state == StepState.PLANNED
          ? "a dry run asks for no approval; it only plans"
          : "the run needs no approval: " + s.detail + " (phase: " + run.phase.label() + ")";
    }
    return switch (a.status) {
      case OPEN -> null;
      case APPROVED -> "the run is already approved by " + String.join(", ", a.approvedBy)
          + " and goes on (phase: " + run.phase.label() + ")";
      case REJECTED -> "the run was rejected by " + a.rejectedBy + " and is ending";
      case TIMED_OUT -> "nobody approved the run within " + Durations.human(a.rule.abortAfter())
          + "; it is ending";
      case WITHDRAWN -> "the run was disarmed: it asks for no approval any more";
    };
  }

  Receipt approve(Vote vote) {
    ApprovalState a = approval;
    if (notWaiting() != null) {
      return run.receipt("vote not counted: " + notWaiting());
    }
    if (a.voters().contains(vote.person())) {
      return run.receipt("vote already counted; nothing changed");
    }
    a.approvedBy.add(vote.person());
    run.action(vote.person(), "approved", vote.comment());
    journal.audit(AuditEventType.APPROVED, vote.person(), "approval", vote.comment(), Map.of());
    if (a.approvedBy.size() >= a.rule.approvals()) {
      a.status = Status.APPROVED;
      movePastTheGate();
    }
    journal.flushSoon();
    run.refreshDetails();
    if (a.status != Status.APPROVED) {
      return run.receipt("approval counted (" + a.approvedBy.size() + " of " + a.rule.approvals() + ")"
          + (a.plan == null ? "" : " for plan " + a.plan.shortHash()));
    }
    String next = run.armed != null
        ? "; the rollback goes ahead when the armed window ends at " + Shown.time(run.armed.endsAt()) + " unless disarmed"
        : run.phase == Phase.SCHEDULED ? "; the run starts at " + run.request.notBefore() : "; the run goes on";
    return run.receipt("approved by " + vote.person() + (a.plan == null ? "" : " for plan " + a.plan.shortHash())
        + next);
  }

  /**
   * Once approved the run is no longer waiting, even while it tells the team or finishes the
   * preparation it did during the wait (a staged restore): the phase says so at once. Runs that
   * took their approval before this change moved on with their next step, so they replay as they
   * were recorded.
   */
  private void movePastTheGate() {
    if (run.armed != null) {
      return; // the armed window goes on; the run goes ahead when it ends
    }
    if (!Versions.phaseOnApproval()) {
      return;
    }
    Instant notBefore = run.request.notBefore();
    boolean later = notBefore != null && !run.request.dryRun() && run.now().isBefore(notBefore);
    run.waitingFor = later ? "the start time " + notBefore : null;
    run.setPhase(later ? Phase.SCHEDULED : Phase.EXECUTING);
  }

  Receipt reject(Vote vote) {
    ApprovalState a = approval;
    if (notWaiting() != null) {
      return run.receipt("rejection not counted: " + notWaiting());
    }
    a.status = Status.REJECTED;
    a.rejectedBy = vote.person();
    a.rejection = vote.comment();
    run.action(vote.person(), "rejected", vote.comment());
    journal.audit(AuditEventType.REJECTED, vote.person(), "approval", vote.comment(), Map.of());
    journal.flushSoon();
    a.fireRefused();
    return run.receipt(Phase.REJECTED, "rejected by " + vote.person() + "; the run ends");
  }

  PendingApproval pending() {
    ApprovalState a = approval;
    if (a == null || a.status != Status.OPEN || run.ending != null) {
      return null;
    }
    return new PendingApproval(
        a.rule.approvals(),
        a.rule.roles(),
        List.copyOf(a.approvedBy),
        a.requestedAt,
        a.level,
        a.nextEscalationAt(),
        a.abortsAt(),
        run.request.notBefore(),
        a.plan == null ? List.of() : a.plan.lines(),
        a.plan == null ? null : a.plan.hash(),
        a.lapses,
        a.lapsedBecause,
        a.discards,
        a.votesWaitFor);
  }
}
