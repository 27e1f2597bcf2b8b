package dev.runbook.workflows.engine;

import static dev.runbook.workflows.engine.Failures.blank;
import static dev.runbook.workflows.engine.Failures.isCancellation;
import static dev.runbook.workflows.engine.Failures.refuse;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.model.AlertRef;
import dev.runbook.workflows.model.Armed;
import dev.runbook.workflows.model.DisarmRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.policy.ApprovalRule;
import dev.runbook.workflows.policy.Durations;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fix-forward window of an armed run (DESIGN §12, the RachelFoods matrix's "roll back if not
 * fixable in 15 min"). It opens once the run knows what it would do (the evidence and the target,
 * so the message can say "api v43 -> v42") and before anything changes. The team is told, the
 * approvers are asked at once (their escalation and abort clocks start when the window ends, so a
 * P1 rollback can go the moment the window ends rather than wait for a vote then), and a durable
 * timer runs. The run goes ahead when the timer fires, unless a person disarms it, the alert that
 * armed it resolves, an approver rejects it, or someone cancels it.
 */
final class FixForwardWindow {
  static final String STEP = "armed";

  private enum State {
    OPEN,
    ENDED,
    DISARMED
  }

  private final RunState run;
  private final Journal journal;
  private final ApprovalGate gate;
  /** Null until the window opens; a disarm may come before that (the run then ends at the window). */
  private State state;
  private DisarmRequest disarm;
  private Instant endedAt;

  FixForwardWindow(RunState run, Journal journal, ApprovalGate gate) {
    this.run = run;
    this.journal = journal;
    this.gate = gate;
  }

  /**
   * Runs the window of an armed request: returns when the run is to go ahead (the approval, when
   * one is needed, is then asked and {@code ApprovalGate.await} waits for it); ends the run as
   * disarmed, rejected or cancelled otherwise. A dry run plans the wait and does not wait.
   *
   * @param plan what goes ahead at the end, e.g. "api v2 -> v1"
   */
  void run(String plan, ApprovalRule rule) {
    RunbookRequest req = run.request;
    Duration window = req.armFor();
    StepRecord s = run.step(STEP, "Armed: wait " + Durations.human(window) + " for a fix forward");
    s.startedAt = run.now();
    s.attempts = 1;
    run.current = s;
    Instant endsAt = run.now().plus(window);
    Armed armed = new Armed(run.now(), endsAt, window, req.armingAlert() == null ? req.requestedBy() : null,
        req.armingAlert(), plan);
    if (req.dryRun()) {
      s.state = StepState.PLANNED;
      s.planned.add("tell the team, then wait " + Durations.human(window) + " for a fix forward; then roll back "
          + plan + " unless disarmed (runbook disarm " + run.workflowId + ", runbook cancel"
          + (req.armingAlert() == null ? "" : ", or the alert resolving") + ")");
      s.detail = "would wait " + Durations.human(window) + ", then roll back " + plan + " unless disarmed";
      journal.notify(NotificationKind.ARMED, Audience.TEAM, null, plan, null, armed);
      s.finishedAt = run.now();
      journal.audit(AuditEventType.STEP_SUCCEEDED, null, s.id, s.detail, s.auditData());
      gate.open(rule, endsAt);
      return;
    }
    journal.audit(AuditEventType.STEP_STARTED, null, s.id, s.title, Map.of("attempt", "1"));
    if (disarm != null) {
      // Disarmed before the window opened (the alert resolved while the run read the evidence).
      throw disarmed(s);
    }
    state = State.OPEN;
    run.armed = armed;
    s.state = StepState.RUNNING;
    s.detail = plan + " at " + Shown.time(endsAt) + " unless disarmed";
    run.waitingFor = "the armed window to end at " + Shown.time(endsAt) + " (" + Durations.human(window) + "), then " + plan
        + " unless disarmed";
    run.setPhase(Phase.ARMED);
    journal.notify(NotificationKind.ARMED, Audience.TEAM, null, plan, null, armed);
    journal.audit(AuditEventType.ARMED, req.armingAlert() == null ? req.requestedBy() : null, s.id,
        plan + " at " + Shown.time(endsAt) + " unless disarmed", armedData(armed));
    gate.open(rule, endsAt);
    journal.flush();
    run.refreshDetails();

    Promise<?>[] timer = new Promise<?>[1];
    CancellationScope clock = Workflow.newCancellationScope(() -> timer[0] = Workflow.newTimer(window,
        TimerOptions.newBuilder().setSummary("armed: " + plan + " at " + endsAt + " unless disarmed").build()));
    clock.run();
    try {
      Workflow.await(() -> timer[0].isCompleted() || disarm != null || gate.refused());
    } catch (TemporalFailure f) {
      if (isCancellation(f)) {
        close(s, StepState.FAILED, null);
        s.error = "cancelled in the armed window";
      }
      throw f;
    }
    if (!timer[0].isCompleted()) {
      clock.cancel();
    }
    if (disarm != null) {
      throw disarmed(s);
    }
    if (gate.refused()) {
      // An approver said no during the window: the run ends as the gate says (rejected).
      close(s, StepState.SUCCEEDED, "ended early: the approval was refused");
      gate.await();
      return;
    }
    state = State.ENDED;
    endedAt = run.now();
    close(s, StepState.SUCCEEDED, "no fix within " + Durations.human(window) + ": going ahead with " + plan);
    gate.windowEnded();
  }

  private void close(StepRecord s, StepState outcome, String detail) {
    run.armed = null;
    run.waitingFor = null;
    s.state = outcome;
    if (detail != null) {
      s.detail = detail;
    }
    s.finishedAt = run.now();
    if (outcome == StepState.SUCCEEDED) {
      journal.audit(AuditEventType.STEP_SUCCEEDED, null, s.id, s.detail, s.auditData());
    }
  }

  private RunEnded disarmed(StepRecord s) {
    state = State.DISARMED;
    gate.withdraw();
    String by = disarm.alert() != null
        ? "the alert " + disarm.alert().describe() + " resolving"
        : disarm.person() + (blank(disarm.reason()) ? "" : ": " + disarm.reason());
    close(s, StepState.SUCCEEDED, "disarmed by " + by);
    journal.flush();
    return new RunEnded(Phase.DISARMED, "disarmed by " + by + "; nothing was changed");
  }

  private static Map<String, String> armedData(Armed a) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("window", a.window().toString());
    d.put("endsAt", a.endsAt().toString());
    if (a.armedBy() != null) {
      d.put("armedBy", a.armedBy());
    }
    if (a.alert() != null) {
      d.put("route", a.alert().route());
      if (a.alert().alertname() != null) {
        d.put("alert", a.alert().alertname());
      }
      d.put("fingerprint", a.alert().fingerprint());
    }
    return d;
  }

  // ---------------------------------------------------------------- disarm

  void validate(DisarmRequest d) {
    if (d == null || blank(d.person())) {
      refuse(RefusalKind.INVALID, "a disarm must name the person: pass --as NAME");
    }
    String notArmed = notArmed();
    if (notArmed != null) {
      refuse(disarm != null ? RefusalKind.DUPLICATE_VOTE : RefusalKind.NOT_WAITING, notArmed);
    }
    if (d.alert() != null) {
      AlertRef by = run.request.armingAlert();
      if (by == null) {
        refuse(RefusalKind.NOT_ALLOWED, "the run was armed by " + run.request.requestedBy()
            + ", not by an alert: a resolved alert does not disarm it (a person does, with runbook disarm)");
      }
      if (!by.sameAlert(d.alert())) {
        refuse(RefusalKind.NOT_ALLOWED, "the run was armed by the alert " + by.describe()
            + "; the resolved alert " + d.alert().describe() + " is another one");
      }
    }
  }

  /** Why the run takes no disarm now, or null when it does. */
  private String notArmed() {
    RunbookRequest req = run.request;
    if (req == null) {
      return "the run has not started yet";
    }
    if (disarm != null) {
      return "the run is already disarmed by " + (disarm.alert() != null ? "its alert" : disarm.person());
    }
    if (run.ending != null) {
      return "the run is " + run.ending + ": there is nothing left to disarm";
    }
    if (req.armFor() == null) {
      return "the run is not armed: it went ahead at once (phase " + run.phase.label() + "); runbook cancel stops it";
    }
    if (req.dryRun()) {
      return "a dry run plans the armed window and does not wait: there is nothing to disarm";
    }
    if (state == State.ENDED) {
      return "the armed window ended at " + endedAt + " and the rollback goes ahead (phase " + run.phase.label()
          + "); runbook cancel stops it";
    }
    return null;
  }

  Receipt disarm(DisarmRequest d) {
    if (notArmed() != null) {
      return run.receipt("nothing disarmed: " + notArmed());
    }
    disarm = d;
    String what = d.alert() != null ? "disarmed: the alert resolved" : "disarmed";
    String detail = d.alert() != null ? d.alert().describe() : d.reason();
    run.action(d.person(), what, detail);
    Map<String, String> data = new LinkedHashMap<>();
    data.put("by", d.alert() != null ? "alert" : "person");
    if (d.alert() != null) {
      data.put("route", d.alert().route());
      if (d.alert().alertname() != null) {
        data.put("alert", d.alert().alertname());
      }
      data.put("fingerprint", d.alert().fingerprint());
    }
    journal.audit(AuditEventType.DISARMED, d.person(), STEP, detail, data);
    journal.flushSoon();
    run.refreshDetails();
    return run.receipt(Phase.DISARMED, state == State.OPEN
        ? "disarmed: nothing was changed and the rollback will not happen; the run ends"
        : "disarmed before its window opened: the run ends once it has read the evidence; nothing will be changed");
  }
}
