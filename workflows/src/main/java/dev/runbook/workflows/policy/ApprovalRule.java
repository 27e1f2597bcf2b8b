package dev.runbook.workflows.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Who must approve a run and what happens when nobody does.
 *
 * @param approvals how many distinct people must approve (0: no gate)
 * @param roles any one of these roles may approve
 * @param timeout how long to wait before each escalation
 * @param escalation who is notified, in order, each time a timeout passes
 * @param abortAfter the run aborts when nobody approved by then (counted from the request)
 */
public record ApprovalRule(
    int approvals, List<String> roles, Duration timeout, List<String> escalation, Duration abortAfter) {

  public static final ApprovalRule NONE = new ApprovalRule(0, List.of(), null, List.of(), null);

  public boolean required() {
    return approvals > 0;
  }

  /** When the n-th escalation (0-based) goes out, counted from the request. */
  public Duration escalationAt(int n) {
    return timeout.multipliedBy(n + 1L);
  }

  /** Problems with this rule, each prefixed by {@code path}; empty when valid. */
  public List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    if (approvals < 0 || approvals > 10) {
      p.add(path + ".approvals " + approvals + " is out of range: use 0 to 10");
    }
    if (approvals > 0) {
      if (roles == null || roles.isEmpty()) {
        p.add(path + ".roles is empty: name the role(s) that may approve");
      }
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        p.add(path + ".timeout must be a positive duration such as 15m");
      }
      if (abortAfter == null || abortAfter.isZero() || abortAfter.isNegative()) {
        p.add(path + ".abortAfter must be a positive duration such as 1h");
      } else if (timeout != null && abortAfter.compareTo(timeout) < 0) {
        p.add(path + ".abortAfter " + abortAfter + " is shorter than timeout " + timeout);
      }
    }
    return p;
  }

  public String describe() {
    if (!required()) {
      return "no approval";
    }
    return approvals
        + " approval"
        + (approvals == 1 ? "" : "s")
        + " from "
        + String.join(" or ", roles)
        + " within "
        + Durations.human(timeout)
        + (escalation == null || escalation.isEmpty()
            ? ""
            : ", escalating to " + String.join(" then ", escalation))
        + ", abort after "
        + Durations.human(abortAfter);
  }
}
