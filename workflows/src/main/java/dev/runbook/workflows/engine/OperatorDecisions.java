package dev.runbook.workflows.engine;

import static dev.runbook.workflows.engine.Failures.blank;
import static dev.runbook.workflows.engine.Failures.refuse;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.DecisionRequest;
import dev.runbook.workflows.model.PendingDecision;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.policy.Person;
import dev.runbook.workflows.policy.PolicySnapshot;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The needs-decision wait: when a step fails for good the run tells the escalation channel and
 * waits for the requester or an approver to retry, skip, compensate or abort. Which options a
 * step offers, and who may choose, are judged here.
 */
final class OperatorDecisions {
  private final RunState run;
  private final Journal journal;
  private Open open;

  OperatorDecisions(RunState run, Journal journal) {
    this.run = run;
    this.journal = journal;
  }

  /** Waits for a decision on a failed step; {@code canCompensate} offers compensate. */
  DecisionRequest await(StepRecord s, StepPolicy policy, boolean canCompensate) {
    List<DecisionAction> options = new ArrayList<>();
    options.add(DecisionAction.RETRY);
    if (policy == StepPolicy.SKIPPABLE) {
      options.add(DecisionAction.SKIP);
    }
    if (canCompensate) {
      options.add(DecisionAction.COMPENSATE);
    }
    options.add(DecisionAction.ABORT);
    Phase before = run.phase;
    Phase resume = before == Phase.NEEDS_DECISION ? Phase.EXECUTING : before;
    Open d = new Open(s.id, s.error, List.copyOf(options), run.now(), resume);
    open = d;
    run.waitingFor = "a decision on " + s.id + ": " + labels(options);
    run.setPhase(Phase.NEEDS_DECISION);
    journal.notify(
        NotificationKind.NEEDS_DECISION,
        Audience.ESCALATION,
        run.firstEscalation(),
        "step " + s.id + " failed: " + s.error,
        d.options);
    journal.audit(AuditEventType.DECISION_REQUESTED, null, s.id, s.error, Map.of("options", labels(options)));
    journal.flush();
    try {
      Workflow.await(() -> d.answer != null);
    } finally {
      open = null;
      run.waitingFor = null;
    }
    run.setPhase(resume);
    return d.answer;
  }

  private static String labels(List<DecisionAction> options) {
    return String.join(", ", options.stream().map(DecisionAction::label).toList());
  }

  void validate(DecisionRequest d) {
    if (d == null || d.action() == null) {
      refuse(RefusalKind.INVALID, "a decision needs an action: retry, skip, compensate or abort");
    }
    if (blank(d.person())) {
      refuse(RefusalKind.INVALID, "a decision must name the person: pass --as NAME");
    }
    Open o = open;
    if (run.ending != null) {
      refuse(RefusalKind.NOT_WAITING, "the run is " + run.ending + ": there is nothing left to decide");
    }
    if (o == null) {
      refuse(RefusalKind.NOT_WAITING, "the run is not waiting for a decision (phase: " + run.phase.label() + ")");
    }
    if (o.answer != null) {
      refuse(
          RefusalKind.NOT_WAITING,
          o.answer.person() + " already decided " + o.answer.action().label() + " for step " + o.step);
    }
    if (!o.options.contains(d.action())) {
      refuse(
          RefusalKind.NOT_ALLOWED,
          d.action().label() + " is not possible for step " + o.step
              + (d.action() == DecisionAction.SKIP
                  ? " (later steps depend on it)"
                  : " (nothing to compensate yet)")
              + ": choose " + labels(o.options));
    }
    refuseUnlessDecider(d.person());
  }

  /** The requester, or anyone who may approve runs, may decide. */
  private void refuseUnlessDecider(String person) {
    if (person.equals(run.request.requestedBy())) {
      return;
    }
    PolicySnapshot policy = run.policy;
    if (policy == null) {
      refuse(RefusalKind.NOT_WAITING, "the run has not loaded its policy yet");
    }
    Person who = policy.person(person).orElse(null);
    if (who == null) {
      refuse(RefusalKind.UNKNOWN_PERSON, person + " is not in the people directory: add them to the config");
    }
    List<String> roles = policy.policy().approverRoles();
    if (!who.hasAnyRole(roles)) {
      refuse(
          RefusalKind.WRONG_ROLE,
          person + " may not decide for this run: only the requester (" + run.request.requestedBy()
              + ") or someone with role " + String.join(" or ", roles));
    }
  }

  Receipt decide(DecisionRequest d) {
    Open o = open;
    if (o == null || o.answer != null || run.ending != null) {
      return run.receipt("no decision pending; nothing changed");
    }
    o.answer = d;
    run.action(d.person(), "decided " + d.action().label(), o.step + (d.comment() == null ? "" : ": " + d.comment()));
    journal.audit(
        AuditEventType.DECIDED,
        d.person(),
        o.step,
        d.comment(),
        Map.of("action", d.action().label()));
    journal.flushSoon();
    Phase next = switch (d.action()) {
      case RETRY, SKIP -> o.resume;
      case COMPENSATE -> Phase.COMPENSATING;
      case ABORT -> Phase.ABORTED;
    };
    return run.receipt(next, d.action().label() + " " + o.step + " as " + d.person() + " decided");
  }

  PendingDecision pending() {
    Open o = open;
    return o == null ? null : new PendingDecision(o.step, o.error, o.options, o.since);
  }

  private static final class Open {
    final String step;
    final String error;
    final List<DecisionAction> options;
    final Instant since;
    /** The phase the run goes back to after retry or skip. */
    final Phase resume;
    DecisionRequest answer;

    Open(String step, String error, List<DecisionAction> options, Instant since, Phase resume) {
      this.step = step;
      this.error = error;
      this.options = options;
      this.since = since;
      this.resume = resume;
    }
  }
}
