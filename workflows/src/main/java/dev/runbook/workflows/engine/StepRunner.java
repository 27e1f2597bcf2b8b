package dev.runbook.workflows.engine;

import static dev.runbook.workflows.engine.Failures.describe;
import static dev.runbook.workflows.engine.Failures.isCancellation;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.model.DecisionRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.StepState;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Runs the steps of a run: records each attempt, and when a step fails for good asks the
 * operator (through {@link OperatorDecisions}) what to do, in a top-level runbook; a child's
 * failure goes to its parent.
 */
final class StepRunner {
  private static final Logger log = Workflow.getLogger(StepRunner.class);

  private final RunbookEngine.Mode mode;
  private final RunState run;
  private final Journal journal;
  private final ApprovalGate gate;
  private final OperatorDecisions decisions;
  private final Saga saga;

  StepRunner(
      RunbookEngine.Mode mode,
      RunState run,
      Journal journal,
      ApprovalGate gate,
      OperatorDecisions decisions,
      Saga saga) {
    this.mode = mode;
    this.run = run;
    this.journal = journal;
    this.gate = gate;
    this.decisions = decisions;
    this.saga = saga;
  }

  /**
   * Runs one step. When it fails for good (retries exhausted or a permanent failure) a top-level
   * runbook asks the operator: retry runs it again, skip returns null, compensate and abort end
   * the run.
   */
  <T> T step(String id, String title, StepPolicy policy, Supplier<T> body) {
    return step(id, title, policy, body, Set.of());
  }

  /**
   * Runs one step; a failure of one of the {@code refusals} types ends the run as refused at once
   * (retrying or skipping cannot help: the run does not know what to do).
   */
  <T> T step(String id, String title, StepPolicy policy, Supplier<T> body, Set<String> refusals) {
    StepRecord s = run.step(id, title);
    while (true) {
      s.attempts++;
      s.state = StepState.RUNNING;
      s.startedAt = run.now();
      s.finishedAt = null;
      s.error = null;
      run.current = s;
      if (gate.isOpen() || run.monitoring) {
        run.refreshDetails();
      } else {
        run.setPhase(Phase.EXECUTING);
      }
      journal.audit(AuditEventType.STEP_STARTED, null, id, title, Map.of("attempt", Integer.toString(s.attempts)));
      try {
        T result = body.get();
        run.note(result);
        s.state = run.request.dryRun() ? StepState.PLANNED : StepState.SUCCEEDED;
        if (run.request.dryRun() && s.detail == null && !s.planned.isEmpty()) {
          // A planned step says what it would do, never what it did.
          s.detail = "would " + Character.toLowerCase(title.charAt(0)) + title.substring(1);
        }
        s.finishedAt = run.now();
        journal.audit(AuditEventType.STEP_SUCCEEDED, null, id, s.detail, s.auditData());
        journal.flushBehind();
        run.refreshDetails();
        return result;
      } catch (TemporalFailure failure) {
        if (isCancellation(failure)) {
          s.state = StepState.FAILED;
          s.error = "cancelled";
          s.finishedAt = run.now();
          throw failure;
        }
        s.state = StepState.FAILED;
        s.error = describe(failure);
        s.finishedAt = run.now();
        journal.audit(AuditEventType.STEP_FAILED, null, id, s.error, s.auditData());
        journal.flush();
        log.warn("{} step {} failed for good: {}", run.workflowId, id, s.error);
        if (!run.request.dryRun() && refusals.contains(Failures.applicationType(failure))) {
          throw new RunEnded(Phase.REFUSED, "refused at " + id + ": " + Failures.innermostMessage(failure));
        }
        if (policy == StepPolicy.PROPAGATE || mode != RunbookEngine.Mode.RUNBOOK) {
          throw failure;
        }
        if (run.request.dryRun() && Versions.dryRunsHoldNothing()) {
          // Nobody is asked to decide for a plan: it ends here, with what it has.
          throw planIncomplete(s);
        }
        DecisionRequest d = decisions.await(s, policy, saga.canCompensate());
        switch (d.action()) {
          case RETRY -> {
            continue;
          }
          case SKIP -> {
            s.state = StepState.SKIPPED;
            s.detail = "skipped by " + d.person();
            journal.audit(AuditEventType.STEP_SKIPPED, d.person(), id, d.comment(), s.auditData());
            journal.flushBehind();
            return null;
          }
          case COMPENSATE -> throw saga.compensate(d.person());
          default ->
              throw new RunEnded(
                  Phase.ABORTED,
                  "aborted by " + d.person() + " after " + id + " failed: " + s.error
                      + (d.comment() == null ? "" : " (" + d.comment() + ")"));
        }
      }
    }
  }

  /** How a dry run ends at a step it could not plan: the step, the reason, the plan so far. */
  private RunEnded planIncomplete(StepRecord failed) {
    List<String> planned = run.plannedSteps();
    int actions = run.plannedActions().size();
    return new RunEnded(
        Phase.PLAN_INCOMPLETE,
        "dry run stopped at " + failed.id + ": " + failed.error + "; planned so far: "
            + (planned.isEmpty()
                ? "nothing"
                : String.join(", ", planned) + " (" + actions + " action" + (actions == 1 ? "" : "s") + ")")
            + "; nothing was changed");
  }

  /** A step that sends a message to the team; it cannot fail (a lost message is recorded). */
  void announce(String id, String title, NotificationKind kind, String detail) {
    step(
        id,
        title,
        StepPolicy.SKIPPABLE,
        () -> {
          journal.notify(kind, Audience.TEAM, null, withSla(kind, detail));
          if (run.request.dryRun()) {
            run.detail("would send the " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + " message (marked DRY RUN)");
          }
          return null;
        });
  }

  /**
   * The resolved message (the full runbook's status report) says how the run compares with its
   * SLA, and the rollback log records it with the step's own write. Only values the run already
   * has are read, so no command is added: runs whose policy snapshot has no SLA (none configured,
   * or taken before SLAs) say nothing of it.
   */
  private String withSla(NotificationKind kind, String detail) {
    java.time.Duration sla = run.policy == null ? null : run.policy.sla();
    if (sla == null || run.request.dryRun() || (kind != NotificationKind.RESOLVED && kind != NotificationKind.REPORT)) {
      return detail;
    }
    java.time.Duration took = run.elapsed();
    String verdict = dev.runbook.workflows.policy.Slas.verdict(took, sla);
    Map<String, String> data = new java.util.LinkedHashMap<>();
    data.put("sla", verdict);
    data.put("slaMs", Long.toString(sla.toMillis()));
    data.put("tookMs", Long.toString(took.toMillis()));
    data.put("withinSla", Boolean.toString(took.compareTo(sla) <= 0));
    DrillMark.mark(data);
    journal.audit(AuditEventType.SLA_MEASURED, null, run.currentStepId(), verdict, data);
    return detail == null ? verdict : detail + "; " + verdict;
  }
}
