package dev.runbook.workflows.engine;

import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.PlanActivities.Plan;
import dev.runbook.workflows.policy.ApprovalRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One approval request: its rule, the votes so far, and when it escalates or times out. */
final class ApprovalState {
  enum Status {
    OPEN,
    APPROVED,
    REJECTED,
    TIMED_OUT,
    /** The run no longer asks: it was disarmed in its armed window. */
    WITHDRAWN
  }

  final ApprovalRule rule;
  final Instant requestedAt;
  /**
   * Where the escalation and abort clocks start: when approval was asked, or, for an armed run
   * asked at the start of its window, when the window ends (the rollback is not due before).
   */
  final Instant clockFrom;
  final List<String> approvedBy = new ArrayList<>();
  final List<Runnable> onRefused = new ArrayList<>();
  Status status = Status.OPEN;
  String rejectedBy;
  String rejection;
  int level;
  /** The plan votes approve, in runs that bind approvals to a plan; else null. */
  Plan plan;
  int lapses;
  String lapsedBecause;
  /** What a restore discards, once measured. */
  DiscardReport discards;
  /** Why approvals wait (the discard measurement still running), or null. */
  String votesWaitFor;
  /** Counts the times the request was asked; an escalation watch serves one asking. */
  int round;
  /** The run's own thread waits at the gate for the votes (it goes on as soon as they approve). */
  boolean awaited;

  ApprovalState(ApprovalRule rule, Instant requestedAt, Instant clockFrom) {
    this.rule = rule;
    this.requestedAt = requestedAt;
    this.clockFrom = clockFrom;
  }

  /** Everyone who has voted, either way. */
  List<String> voters() {
    List<String> all = new ArrayList<>(approvedBy);
    if (rejectedBy != null) {
      all.add(rejectedBy);
    }
    return all;
  }

  Instant abortsAt() {
    return clockFrom.plus(rule.abortAfter());
  }

  Instant nextEscalationAt() {
    List<String> path = rule.escalation();
    if (path == null || level >= path.size()) {
      return null;
    }
    return clockFrom.plus(rule.escalationAt(level));
  }

  void fireRefused() {
    onRefused.forEach(Runnable::run);
  }
}
