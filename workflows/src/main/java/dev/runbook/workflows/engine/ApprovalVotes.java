package dev.runbook.workflows.engine;

import static dev.runbook.workflows.engine.Failures.blank;
import static dev.runbook.workflows.engine.Failures.refuse;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.engine.ApprovalState.Status;
import dev.runbook.workflows.model.PendingApproval;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.policy.Durations;
import dev.runbook.workflows.policy.VoteRules;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The votes of an approval gate (DESIGN §4): who may vote now and why not (the rules of {@link
 * VoteRules}, the state of the gate, the plan the vote names), counting approvals and a rejection,
 * and what the gate waits for as the status shows it. Workflow code, run from update and signal
 * handlers on the gate's current request.
 */
final class ApprovalVotes {
  private final RunState run;
  private final Journal journal;
  private final PlanBinding plans;

  ApprovalVotes(RunState run, Journal journal, PlanBinding plans) {
    this.run = run;
    this.journal = journal;
    this.plans = plans;
  }

  void validate(ApprovalState approval, Vote vote, boolean approving) {
    if (vote == null || blank(vote.person())) {
      refuse(RefusalKind.INVALID, "a vote must name the person: pass --as NAME");
    }
    String notWaiting = notWaiting(approval);
    if (notWaiting != null) {
      refuse(RefusalKind.NOT_WAITING, notWaiting);
    }
    ApprovalState a = approval;
    if (approving) {
      plans.refusal(a, vote).ifPresent(r -> refuse(r.kind(), r.reason()));
    }
    VoteRules.refusal(
            run.policy, a.rule, run.request.requestedBy(), a.voters(), vote.person(), vote.comment(), approving)
        .ifPresent(v -> refuse(v.kind(), v.message()));
  }

  /**
   * Why the run takes no vote now, or null when it waits for one. Said from what the gate and the
   * run know, not from the phase alone: the phase moves on only once the run acts on the outcome.
   */
  private String notWaiting(ApprovalState approval) {
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

  Receipt approve(ApprovalState approval, Vote vote) {
    ApprovalState a = approval;
    if (notWaiting(approval) != null) {
      return run.receipt("vote not counted: " + notWaiting(approval));
    }
    if (a.voters().contains(vote.person())) {
      return run.receipt("vote already counted; nothing changed");
    }
    a.approvedBy.add(vote.person());
    run.action(vote.person(), "approved", vote.comment());
    journal.audit(AuditEventType.APPROVED, vote.person(), "approval", vote.comment(), Map.of());
    if (a.approvedBy.size() >= a.rule.approvals()) {
      a.status = Status.APPROVED;
      movePastTheGate(approval);
    }
    // A vote that lets the run's own thread go on from the gate leaves the log write to that
    // thread, which writes behind itself once its next step has started: the write never goes first.
    boolean runGoesOn = a.status == Status.APPROVED && a.awaited && run.askingBehind;
    if (!runGoesOn) {
      journal.flushSoon();
    }
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
  private void movePastTheGate(ApprovalState approval) {
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

  Receipt reject(ApprovalState approval, Vote vote) {
    ApprovalState a = approval;
    if (notWaiting(approval) != null) {
      return run.receipt("rejection not counted: " + notWaiting(approval));
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

  PendingApproval pending(ApprovalState approval) {
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
