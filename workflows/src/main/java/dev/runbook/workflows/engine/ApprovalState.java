package dev.runbook.workflows.engine;

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
    TIMED_OUT
  }

  final ApprovalRule rule;
  final Instant requestedAt;
  final List<String> approvedBy = new ArrayList<>();
  final List<Runnable> onRefused = new ArrayList<>();
  Status status = Status.OPEN;
  String rejectedBy;
  String rejection;
  int level;

  ApprovalState(ApprovalRule rule, Instant requestedAt) {
    this.rule = rule;
    this.requestedAt = requestedAt;
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
    return requestedAt.plus(rule.abortAfter());
  }

  Instant nextEscalationAt() {
    List<String> path = rule.escalation();
    if (path == null || level >= path.size()) {
      return null;
    }
    return requestedAt.plus(rule.escalationAt(level));
  }

  void fireRefused() {
    onRefused.forEach(Runnable::run);
  }
}
