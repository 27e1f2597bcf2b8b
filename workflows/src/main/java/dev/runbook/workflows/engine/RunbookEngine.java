package dev.runbook.workflows.engine;

import static dev.runbook.workflows.engine.Failures.blank;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.CheckActivities;
import dev.runbook.workflows.activities.ConfigActivities;
import dev.runbook.workflows.activities.DatabaseActivities;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.PlanActivities;
import dev.runbook.workflows.activities.RetentionActivities;
import dev.runbook.workflows.activities.ServiceActivities;
import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.DecisionRequest;
import dev.runbook.workflows.model.DisarmRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.Refusal;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.policy.ApprovalRule;
import dev.runbook.workflows.policy.PolicySnapshot;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one object a runbook workflow talks to. It holds no logic of its own: each call goes to
 * the part that owns it ({@link Lifecycle}, {@link StepRunner}, {@link ApprovalGate}, {@link
 * OperatorDecisions}, {@link Saga}, {@link Journal}, {@link RunState}); the package README says
 * which part to open for which change. One instance per run, owned by the workflow object.
 *
 * <p>Workflow code only: no I/O, no clocks, no randomness. Handlers (updates, signals, queries)
 * call into the same instance from their own workflow threads; Temporal runs one at a time.
 */
public final class RunbookEngine {
  /**
   * A top-level runbook asks for decisions, notifies and writes the log; a child does not. A job
   * (a backup, a cleanup) writes the log but waits for nobody: it takes no approval and loads no
   * policy, a step that fails for good ends it as failed, and that is what the team hears of it.
   */
  public enum Mode {
    RUNBOOK,
    CHILD,
    JOB
  }

  private final RunState run = new RunState();
  private final Journal journal;
  private final ApprovalGate gate;
  private final FixForwardWindow window;
  private final OperatorDecisions decisions;
  private final Saga saga;
  private final StepRunner steps;
  private final Lifecycle lifecycle;

  public RunbookEngine(Mode mode) {
    this.journal = new Journal(mode, run);
    this.gate = new ApprovalGate(run, journal);
    this.window = new FixForwardWindow(run, journal, gate);
    this.decisions = new OperatorDecisions(run, journal);
    this.saga = new Saga(run, journal);
    this.steps = new StepRunner(mode, run, journal, gate, decisions, saga);
    this.lifecycle = new Lifecycle(mode, run, journal, steps, saga);
  }

  // ---------------------------------------------------------------- the run and its steps

  /**
   * Runs a runbook: validates the request, loads the policy snapshot, runs {@code body} inside a
   * cancellable scope, and ends the run whatever happens (success, early end, cancellation).
   *
   * @param eta the expected duration, shown when the run starts
   * @param result builds the workflow's result record from the report
   */
  public <R> R run(RunbookRequest req, Duration eta, Runnable body, Function<RunReport, R> result) {
    return lifecycle.run(req, eta, body, result);
  }

  /**
   * Runs one step. When it fails for good (retries exhausted or a permanent failure) a top-level
   * runbook asks the operator: retry runs it again, skip returns null, compensate and abort end
   * the run.
   */
  public <T> T step(String id, String title, StepPolicy policy, Supplier<T> body) {
    return steps.step(id, title, policy, body);
  }

  /**
   * Runs a step that finds out what the run is to do (the version to go back to). When it fails
   * with one of the {@code refusals} types the run ends as refused at once, before it changes
   * anything: nobody can retry their way to a version that is not known good.
   */
  public <T> T stepOrRefuse(String id, String title, Supplier<T> body, FailureType... refusals) {
    return steps.step(id, title, StepPolicy.REQUIRED, body,
        java.util.Arrays.stream(refusals).map(Enum::name).collect(java.util.stream.Collectors.toSet()));
  }

  /** A step that sends a message to the team; it cannot fail (a lost message is recorded). */
  public void announce(String id, String title, NotificationKind kind, String detail) {
    steps.announce(id, title, kind, detail);
  }

  /** Adds an activity result's commands to the current step's plan. */
  public <T> T note(T result) {
    return run.note(result);
  }

  /** Adds one line to the current step's plan (what a dry run would do). */
  public void plan(String line) {
    run.plan(line);
  }

  /** Sets the current step's one-line detail, shown in status and Temporal UI. */
  public void detail(String text) {
    run.detail(text);
  }

  /**
   * Records the versions (or schema versions) the run moves between, for the log and messages.
   * The rollback log gets them with its next write, so it shows from and to while the run goes
   * on; call it inside the step that learns them to have them written when that step ends.
   */
  public void moving(String from, String to) {
    run.fromLabel = from;
    run.toLabel = to;
    Map<String, String> data = new java.util.LinkedHashMap<>();
    if (from != null) {
      data.put("from", from);
    }
    if (to != null) {
      data.put("to", to);
    }
    journal.audit(AuditEventType.TARGET_RESOLVED, null, run.currentStepId(), from + " -> " + to, data);
  }

  /**
   * Records that the rollback is applied and verified, and for how long the run now watches
   * health, so the rollback log shows a run that is only monitoring as such. Call it before the
   * step that announces the result: that step's log write carries it.
   */
  public void rollbackApplied(Duration monitorFor) {
    Map<String, String> data = new java.util.LinkedHashMap<>();
    if (run.fromLabel != null) {
      data.put("from", run.fromLabel);
    }
    if (run.toLabel != null) {
      data.put("to", run.toLabel);
    }
    if (monitorFor != null && !monitorFor.isZero() && !monitorFor.isNegative() && !run.request.dryRun()) {
      data.put("monitorFor", monitorFor.toString());
    }
    journal.audit(AuditEventType.ROLLBACK_APPLIED, null, run.currentStepId(), null, data);
  }

  /** Sends a message; a message that cannot be delivered is recorded and never stops the run. */
  public void notify(NotificationKind kind, Audience audience, String target, String detail) {
    journal.notify(kind, audience, target, detail);
  }

  /**
   * Records in the release ledger that the run deployed {@code version} to {@code service},
   * moving away from {@code from} (which the ledger then marks rolled back from).
   */
  public void released(String service, String version, String from, String schema, boolean forced) {
    journal.released(service, version, from, schema, forced, "rollback", null, null);
  }

  /**
   * Records in the release ledger that the service runs {@code version} with the configuration
   * {@code config} from now on, moving away from version {@code from} and configuration {@code
   * configFrom} (either may be the same as before: a configuration-only rollback leaves a
   * configuration, not a version).
   */
  public void released(String service, String version, String from, String schema, boolean forced, String config,
      String configFrom) {
    journal.released(service, version, from, schema, forced, "rollback", config, configFrom);
  }

  /** Records in the release ledger that a compensation put {@code version} back. */
  public void restored(String service, String version, String schema) {
    journal.released(service, version, null, schema, false, "compensation", null, null);
  }

  /**
   * Records in the release ledger that a compensation put {@code version} back, with the
   * configuration {@code config}.
   */
  public void restored(String service, String version, String schema, String config) {
    journal.released(service, version, null, schema, false, "compensation", config, null);
  }

  /** Records in the release ledger that {@code version} passed the run's checks on {@code service}. */
  public void verifiedHealthy(String service, String version) {
    journal.verified(service, version);
  }

  /** The message the run ends with when it succeeds (a job says what it did). */
  public void outcome(String message) {
    run.successMessage = message;
  }

  /** Marks the monitoring period, during which a cancel ends the run as succeeded. */
  public void monitoring(boolean on) {
    run.monitoring = on;
    run.setPhase(on ? Phase.MONITORING : Phase.EXECUTING);
  }

  // ---------------------------------------------------------------- compensation and cleanup

  /** Registers how to undo a step, before that step runs; run newest first on compensate. */
  public void compensation(String undoes, String title, Runnable action) {
    saga.compensation(undoes, title, action);
  }

  /** Registers work to do if the run ends without success (drop a staging database). */
  public void cleanup(String id, String title, Runnable action) {
    saga.cleanup(id, title, action);
  }

  public void cancelCleanup(String id) {
    saga.cancelCleanup(id);
  }

  // ---------------------------------------------------------------- armed runs and approval

  /**
   * True when the run's request is armed and this run takes the armed path ({@link
   * Versions#ARMED_RUNS}); ask once, at the start, and only then call {@link #armedWindow}.
   */
  public boolean armed() {
    return run.request.armFor() != null && Versions.armedRuns();
  }

  /**
   * An armed run's fix-forward window ({@link FixForwardWindow}): tells the team, asks for the
   * approval {@code rule} needs, and waits; returns when the run goes ahead ({@link #awaitApproval}
   * then waits for the vote), ends it when it is disarmed, rejected or cancelled.
   *
   * @param plan what goes ahead at the end, e.g. "api v2 -> v1"
   */
  public void armedWindow(String plan, ApprovalRule rule) {
    window.run(plan, rule);
  }

  /** Opens the approval gate and waits for it (see {@link #openApproval} for the parallel form). */
  /**
   * The steps the run takes once approved, set before it asks: the approval then shows their plan
   * (exact commands, SQL, versions, the backup) with its hash, votes approve that hash, and an
   * approval lapses and is asked again when the plan changed before the run acts on it.
   */
  public void planAfterApproval(PlanActivities.PlanRequest request) {
    gate.bind(request);
  }

  /** Approvals wait while a staged restore measures what it discards ({@code why} says so). */
  public void measuringDiscards(String why) {
    gate.measuringDiscards(why);
  }

  /** What the restore discards is known: the approvers are told, and approvals count again. */
  public void discardsMeasured(DatabaseActivities.DiscardReport report) {
    gate.discardsMeasured(report);
    if (report != null) {
      discardRecorded(report, false);
    }
  }

  /**
   * Writes what a restore discards to the rollback log, per table, with where the rows are kept:
   * the incident report reads it from there.
   *
   * @param last true for the salvage kept with the writers stopped, just before the swap
   */
  public void discardRecorded(DatabaseActivities.DiscardReport report, boolean last) {
    Map<String, String> data = new java.util.LinkedHashMap<>();
    data.put("measuredAt", String.valueOf(report.measuredAt()));
    data.put("final", Boolean.toString(last));
    if (report.salvage() != null) {
      data.put("salvage", report.salvage());
    }
    if (report.script() != null) {
      data.put("script", report.script());
    }
    report.tables().forEach(t -> data.put("table:" + t.table(), t.inserted() + "," + t.updated() + "," + t.deleted()));
    journal.audit(AuditEventType.DISCARD_MEASURED, null, run.currentStepId(),
        last ? Shown.salvaged(report) : Shown.discards(report), data);
  }

  public void approvalGate(ApprovalRule rule) {
    gate.open(rule);
    gate.await();
  }

  /**
   * Asks for approval without waiting: approvers are notified and the escalation clock starts,
   * while the run goes on preparing (a staged restore). {@link #awaitApproval} then waits.
   */
  public void openApproval(ApprovalRule rule) {
    gate.open(rule);
  }

  /** Waits for the gate opened by {@link #openApproval}; ends the run when it is refused. */
  public void awaitApproval() {
    gate.await();
  }

  /** Runs {@code action} when the gate is rejected or times out (to stop preparation work). */
  public void onApprovalRefused(Runnable action) {
    gate.onRefused(action);
  }

  public boolean approvalRefused() {
    return gate.refused();
  }

  // ---------------------------------------------------------------- what people do to a run

  public void validateApprove(Vote vote) {
    gate.validate(vote, true);
  }

  public Receipt approve(Vote vote) {
    return gate.approve(vote);
  }

  public void validateReject(Vote vote) {
    gate.validate(vote, false);
  }

  public Receipt reject(Vote vote) {
    return gate.reject(vote);
  }

  public void validateDecide(DecisionRequest d) {
    decisions.validate(d);
  }

  public Receipt decide(DecisionRequest d) {
    return decisions.decide(d);
  }

  public void validateCancel(CancelRequest c) {
    lifecycle.validateCancel(c);
  }

  public Receipt cancel(CancelRequest c) {
    return lifecycle.cancel(c);
  }

  public void validateDisarm(DisarmRequest d) {
    window.validate(d);
  }

  public Receipt disarm(DisarmRequest d) {
    return window.disarm(d);
  }

  public void disarmSignal(DisarmRequest d) {
    viaSignal("disarm", d == null ? null : d.person(), () -> validateDisarm(d), () -> disarm(d));
  }

  public void approveSignal(Vote vote) {
    viaSignal("approve", vote == null ? null : vote.person(), () -> validateApprove(vote), () -> approve(vote));
  }

  public void rejectSignal(Vote vote) {
    viaSignal("reject", vote == null ? null : vote.person(), () -> validateReject(vote), () -> reject(vote));
  }

  public void decideSignal(DecisionRequest d) {
    viaSignal("decide", d == null ? null : d.person(), () -> validateDecide(d), () -> decide(d));
  }

  /**
   * The signal form of an update, for tools that can only signal: judged by the same validator;
   * a refusal cannot be answered, so it is recorded.
   */
  private void viaSignal(String action, String person, Runnable validate, Runnable apply) {
    try {
      validate.run();
    } catch (ApplicationFailure refused) {
      recordRefusal(new Refusal(person, action, RefusalKind.parse(refused.getOriginalMessage()).reason()));
      return;
    }
    apply.run();
  }

  /** Records a refused vote or decision (reported by the client that was refused). */
  public void recordRefusal(Refusal r) {
    if (r == null) {
      return;
    }
    String who = blank(r.person()) ? "unknown" : r.person();
    run.action(who, "refused " + (r.action() == null ? "request" : r.action()), r.reason());
    journal.audit(
        AuditEventType.REFUSED,
        who,
        gate.asked() ? "approval" : null,
        r.reason(),
        Map.of("action", r.action() == null ? "" : r.action()));
    journal.flushSoon();
  }

  public RunStatus status() {
    return run.status(gate.pending(), decisions.pending());
  }

  // ---------------------------------------------------------------- activities and facts

  public ServiceActivities services(ActivityOptions options) {
    return Workflow.newActivityStub(ServiceActivities.class, run.summary(options, null));
  }

  public DatabaseActivities databases(ActivityOptions options) {
    return Workflow.newActivityStub(DatabaseActivities.class, run.summary(options, null));
  }

  public RetentionActivities retention(ActivityOptions options) {
    return Workflow.newActivityStub(RetentionActivities.class, run.summary(options, null));
  }

  public ConfigActivities configs(ActivityOptions options) {
    return Workflow.newActivityStub(ConfigActivities.class, run.summary(options, null));
  }

  public CheckActivities checks() {
    return checks(null);
  }

  /**
   * Service activities whose Temporal UI summary says what they do within the step, where one step
   * runs several (null: the step's title).
   */
  public ServiceActivities services(ActivityOptions options, String summary) {
    return Workflow.newActivityStub(ServiceActivities.class, run.summary(options, summary));
  }

  /** Checks whose Temporal UI summary is {@code summary} (null: the step's title). */
  public CheckActivities checks(String summary) {
    return Workflow.newActivityStub(CheckActivities.class, run.summary(ActivityCatalog.QUICK, summary));
  }

  public String workflowId() {
    return run.workflowId;
  }

  /** A short identifier of this run, used to name its staging database. */
  public String runTag() {
    return run.runTag;
  }

  /**
   * A short tag of this run that every replay sees alike, the offline replayer's too: from the run
   * ID recorded in the run's first event. Names the child runs of a dry run.
   */
  public String historyTag() {
    return RunState.runTag(Workflow.getInfo().getOriginalExecutionRunId());
  }

  /** A stable idempotency key for one piece of work of this run. */
  public String key(String step) {
    return run.key(step);
  }

  public PolicySnapshot policy() {
    return run.policy;
  }
}
