package dev.runbook.workflows.engine;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditActivities;
import dev.runbook.workflows.activities.AuditActivities.AuditBatch;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.CheckActivities;
import dev.runbook.workflows.activities.DatabaseActivities;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.activities.Planned;
import dev.runbook.workflows.activities.PolicyActivities;
import dev.runbook.workflows.activities.ServiceActivities;
import dev.runbook.workflows.model.ActionRecord;
import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.DecisionRequest;
import dev.runbook.workflows.model.PendingApproval;
import dev.runbook.workflows.model.PendingDecision;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.Refusal;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.policy.ApprovalRule;
import dev.runbook.workflows.policy.Durations;
import dev.runbook.workflows.policy.Person;
import dev.runbook.workflows.policy.PolicySnapshot;
import dev.runbook.workflows.policy.VoteRules;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Everything the three runbooks share: steps with operator decisions on failure, the approval
 * gate with escalation, compensations (saga), cancellation, notifications, the rollback log, the
 * status query and what Temporal UI shows. One instance per run, owned by the workflow object.
 *
 * <p>Workflow code only: no I/O, no clocks, no randomness. Handlers (updates, signals, queries)
 * call into the same instance from their own workflow threads; Temporal runs one at a time.
 */
public final class RunbookEngine {
  private static final Logger log = Workflow.getLogger(RunbookEngine.class);
  private static final int MAX_ACTIONS = 200;

  /** A top-level runbook asks for decisions, notifies and writes the log; a child does not. */
  public enum Mode {
    RUNBOOK,
    CHILD
  }

  private final Mode mode;
  private RunbookRequest request;
  private String workflowId;
  private String runId;
  private String runTag;
  private PolicySnapshot policy;
  private Duration eta;
  private Instant startedAt;
  private Instant finishedAt;
  private Phase phase = Phase.STARTING;
  private String waitingFor;
  private String outcomeMessage;
  private String fromLabel;
  private String toLabel;

  private final Map<String, StepRecord> steps = new LinkedHashMap<>();
  private StepRecord current;
  private final List<ActionRecord> actions = new ArrayList<>();

  private ApprovalState approval;
  private DecisionState decision;
  private final List<Compensation> compensations = new ArrayList<>();
  private final Map<String, Compensation> cleanups = new LinkedHashMap<>();

  private CancellationScope mainScope;
  private CancelRequest cancelRequest;
  private boolean monitoring;

  private final List<AuditEvent> auditPending = new ArrayList<>();
  private long auditSeq;
  private long auditFlushedUpTo;
  private int notifySeq;

  public RunbookEngine(Mode mode) {
    this.mode = mode;
  }

  // ---------------------------------------------------------------- the run

  /**
   * Runs a runbook: validates the request, loads the policy snapshot, runs {@code body} inside a
   * cancellable scope, and ends the run whatever happens (success, early end, cancellation).
   *
   * @param eta the expected duration, shown when the run starts
   * @param result builds the workflow's result record from the report
   */
  public <R> R run(RunbookRequest req, Duration eta, Runnable body, Function<RunReport, R> result) {
    this.request = req;
    this.eta = eta;
    this.workflowId = Workflow.getInfo().getWorkflowId();
    this.runId = Workflow.getInfo().getRunId();
    this.runTag = runTag(runId);
    this.startedAt = now();
    List<String> problems = req.problems();
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "invalid " + req.runbook().id() + " request: " + String.join("; ", problems),
          FailureType.INVALID_INPUT.name());
    }
    Workflow.upsertTypedSearchAttributes(
        RunbookSearchAttributes.RUNBOOK_TYPE.valueSet(req.runbook().id()),
        RunbookSearchAttributes.SEVERITY.valueSet(req.severity().name()),
        RunbookSearchAttributes.SERVICE.valueSet(req.services()),
        RunbookSearchAttributes.PHASE.valueSet(phase.label()));
    Map<String, Object> memo = new LinkedHashMap<>();
    memo.put("reason", req.reason());
    memo.put("requestedBy", req.requestedBy());
    memo.put("dryRun", req.dryRun());
    if (req.incidentId() != null) {
      memo.put("incidentId", req.incidentId());
    }
    Workflow.upsertMemo(memo);
    audit(AuditEventType.RUN_STARTED, req.requestedBy(), null, req.reason(), startData());
    refreshDetails();

    mainScope =
        Workflow.newCancellationScope(
            () -> {
              try {
                if (mode == Mode.RUNBOOK) {
                  policy =
                      step(
                          "load-policy",
                          "Load the approval policy",
                          StepPolicy.REQUIRED,
                          () ->
                              policyActivities()
                                  .snapshot(
                                      new PolicyActivities.PolicyRequest(
                                          req.runbook(), req.severity(), req.services())));
                }
                body.run();
                end(Phase.SUCCEEDED, successMessage());
              } catch (RunEnded e) {
                end(e.outcome, e.getMessage());
              } catch (TemporalFailure f) {
                if (!isCancellation(f)) {
                  end(Phase.FAILED, describe(f));
                }
                throw f;
              }
            });
    try {
      mainScope.run();
    } catch (TemporalFailure e) {
      // A cancel reaches the body as a CanceledFailure, or wrapped in the failure of whatever
      // was in flight when it came (a step, the rollback log write, a child run).
      if (!isCancellation(e)) {
        throw e;
      }
      String by = cancelRequest == null ? "temporal" : cancelRequest.person();
      String why = cancelRequest == null ? "cancelled from Temporal" : cancelRequest.reason();
      if (monitoring) {
        end(Phase.SUCCEEDED, "rolled back; monitoring stopped early by " + by + ": " + why);
      } else {
        end(Phase.CANCELLED, "cancelled by " + by + (why == null ? "" : ": " + why));
      }
      if (cancelRequest == null) {
        // Cancelled from Temporal: the run closes as cancelled, not failed.
        throw e instanceof CanceledFailure c ? c : new CanceledFailure("cancelled from Temporal");
      }
    }
    return result.apply(report());
  }

  private String successMessage() {
    if (request.dryRun()) {
      return "dry run: nothing was changed; " + plannedActions().size() + " actions planned";
    }
    if (fromLabel != null || toLabel != null) {
      return "rolled back from " + fromLabel + " to " + toLabel;
    }
    return "completed";
  }

  private Map<String, String> startData() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("runbook", request.runbook().id());
    d.put("severity", request.severity().name());
    d.put("services", String.join(",", request.services()));
    d.put("requestedBy", request.requestedBy());
    d.put("dryRun", Boolean.toString(request.dryRun()));
    if (request.incidentId() != null) {
      d.put("incidentId", request.incidentId());
    }
    return d;
  }

  /** Ends the run: cleanups when it did not succeed, the message, the log, the UI. */
  private void end(Phase outcome, String message) {
    Workflow.newDetachedCancellationScope(
            () -> {
              if (outcome != Phase.SUCCEEDED) {
                runCleanups();
              }
              finishedAt = now();
              outcomeMessage = message;
              waitingFor = null;
              monitoring = false;
              setPhase(outcome);
              NotificationKind kind = endNotification(outcome);
              if (kind != null) {
                notify(kind, Audience.TEAM, null, message);
                if (outcome == Phase.FAILED) {
                  notify(kind, Audience.ESCALATION, firstEscalation(), message);
                }
              }
              Map<String, String> data = new LinkedHashMap<>();
              data.put("outcome", outcome.label());
              data.put("durationMs", Long.toString(elapsed().toMillis()));
              if (fromLabel != null) {
                data.put("from", fromLabel);
              }
              if (toLabel != null) {
                data.put("to", toLabel);
              }
              audit(AuditEventType.RUN_FINISHED, null, null, message, data);
              flushAudit();
              Workflow.upsertMemo(Map.of("outcome", outcome.label(), "message", message));
              refreshDetails();
              log.info("{} ended {}: {}", workflowId, outcome.label(), message);
            })
        .run();
  }

  private static NotificationKind endNotification(Phase outcome) {
    return switch (outcome) {
      case REJECTED -> NotificationKind.REJECTED;
      case TIMED_OUT -> NotificationKind.TIMED_OUT;
      case ABORTED -> NotificationKind.ABORTED;
      case COMPENSATED -> NotificationKind.COMPENSATED;
      case CANCELLED -> NotificationKind.CANCELLED;
      case FAILED -> NotificationKind.FAILED;
      default -> null;
    };
  }

  // ---------------------------------------------------------------- steps

  /**
   * Runs one step. When it fails for good (retries exhausted or a permanent failure) a top-level
   * runbook asks the operator: retry runs it again, skip returns null, compensate and abort end
   * the run.
   */
  public <T> T step(String id, String title, StepPolicy policy, Supplier<T> body) {
    StepRecord s = stepRecord(id, title);
    while (true) {
      s.attempts++;
      s.state = StepState.RUNNING;
      s.startedAt = now();
      s.finishedAt = null;
      s.error = null;
      current = s;
      if (approvalOpen() || monitoring) {
        refreshDetails();
      } else {
        setPhase(Phase.EXECUTING);
      }
      audit(AuditEventType.STEP_STARTED, null, id, title, Map.of("attempt", Integer.toString(s.attempts)));
      try {
        T result = body.get();
        note(result);
        s.state = request.dryRun() ? StepState.PLANNED : StepState.SUCCEEDED;
        s.finishedAt = now();
        audit(AuditEventType.STEP_SUCCEEDED, null, id, s.detail, stepData(s));
        flushAudit();
        refreshDetails();
        return result;
      } catch (TemporalFailure failure) {
        if (isCancellation(failure)) {
          s.state = StepState.FAILED;
          s.error = "cancelled";
          s.finishedAt = now();
          throw failure;
        }
        s.state = StepState.FAILED;
        s.error = describe(failure);
        s.finishedAt = now();
        audit(AuditEventType.STEP_FAILED, null, id, s.error, stepData(s));
        flushAudit();
        log.warn("{} step {} failed for good: {}", workflowId, id, s.error);
        if (policy == StepPolicy.PROPAGATE || mode == Mode.CHILD) {
          throw failure;
        }
        DecisionRequest d = awaitDecision(s, policy);
        switch (d.action()) {
          case RETRY -> {
            continue;
          }
          case SKIP -> {
            s.state = StepState.SKIPPED;
            s.detail = "skipped by " + d.person();
            audit(AuditEventType.STEP_SKIPPED, d.person(), id, d.comment(), stepData(s));
            flushAudit();
            return null;
          }
          case COMPENSATE -> throw compensate(d.person());
          default ->
              throw new RunEnded(
                  Phase.ABORTED,
                  "aborted by " + d.person() + " after " + id + " failed: " + s.error
                      + (d.comment() == null ? "" : " (" + d.comment() + ")"));
        }
      }
    }
  }

  /** A step that sends a message to the team; it cannot fail (see {@link #notify}). */
  public void announce(String id, String title, NotificationKind kind, String detail) {
    step(
        id,
        title,
        StepPolicy.SKIPPABLE,
        () -> {
          notify(kind, Audience.TEAM, null, detail);
          return null;
        });
  }

  /** Adds an activity result's commands to the current step's plan. */
  public <T> T note(T result) {
    if (result instanceof Planned p && current != null && p.planned() != null) {
      current.planned.addAll(p.planned());
    }
    return result;
  }

  /** Adds one line to the current step's plan (what a dry run would do). */
  public void plan(String line) {
    if (current != null) {
      current.planned.add(line);
    }
  }

  /** Sets the current step's one-line detail, shown in status and Temporal UI. */
  public void detail(String text) {
    if (current != null) {
      current.detail = text;
      refreshDetails();
    }
  }

  /** Records the versions (or schema versions) the run moves between, for the log and messages. */
  public void moving(String from, String to) {
    this.fromLabel = from;
    this.toLabel = to;
  }

  private StepRecord stepRecord(String id, String title) {
    return steps.computeIfAbsent(id, k -> new StepRecord(id, title));
  }

  private static Map<String, String> stepData(StepRecord s) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("state", s.state.label());
    d.put("attempts", Integer.toString(s.attempts));
    if (s.startedAt != null) {
      d.put("startedAt", s.startedAt.toString());
    }
    if (s.finishedAt != null) {
      d.put("finishedAt", s.finishedAt.toString());
    }
    if (s.error != null) {
      d.put("error", s.error);
    }
    return d;
  }

  public static boolean isCancellation(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CanceledFailure) {
        return true;
      }
    }
    return false;
  }

  /** The failure as a person should read it: the innermost message and its type. */
  static String describe(TemporalFailure failure) {
    Throwable t = failure;
    String where = "";
    if (failure instanceof ActivityFailure af) {
      where = af.getActivityType() + ": ";
    } else if (failure instanceof ChildWorkflowFailure cf) {
      where = cf.getWorkflowType() + " " + cf.getExecution().getWorkflowId() + ": ";
    }
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof ApplicationFailure af) {
      return where + af.getOriginalMessage() + " [" + af.getType() + "]";
    }
    if (t instanceof TimeoutFailure tf) {
      return where + "timed out (" + tf.getTimeoutType().name().toLowerCase(Locale.ROOT) + ")";
    }
    if (t instanceof TemporalFailure tf) {
      return where + tf.getOriginalMessage();
    }
    return where + t.getMessage();
  }

  // ---------------------------------------------------------------- decisions

  private DecisionRequest awaitDecision(StepRecord s, StepPolicy policy) {
    List<DecisionAction> options = new ArrayList<>();
    options.add(DecisionAction.RETRY);
    if (policy == StepPolicy.SKIPPABLE) {
      options.add(DecisionAction.SKIP);
    }
    if (!compensations.isEmpty()) {
      options.add(DecisionAction.COMPENSATE);
    }
    options.add(DecisionAction.ABORT);
    Phase before = phase;
    DecisionState d = new DecisionState(s.id, s.error, List.copyOf(options), now());
    decision = d;
    waitingFor = "a decision on " + s.id + ": " + labels(options);
    setPhase(Phase.NEEDS_DECISION);
    notify(
        NotificationKind.NEEDS_DECISION,
        Audience.ESCALATION,
        firstEscalation(),
        "step " + s.id + " failed: " + s.error + "; options: " + labels(options));
    audit(AuditEventType.DECISION_REQUESTED, null, s.id, s.error, Map.of("options", labels(options)));
    flushAudit();
    try {
      Workflow.await(() -> d.answer != null);
    } finally {
      decision = null;
      waitingFor = null;
    }
    setPhase(before == Phase.NEEDS_DECISION ? Phase.EXECUTING : before);
    return d.answer;
  }

  private static String labels(List<DecisionAction> options) {
    return String.join(", ", options.stream().map(DecisionAction::label).toList());
  }

  public void validateDecide(DecisionRequest d) {
    if (d == null || d.action() == null) {
      refuse(RefusalKind.INVALID, "a decision needs an action: retry, skip, compensate or abort");
    }
    if (blank(d.person())) {
      refuse(RefusalKind.INVALID, "a decision must name the person: pass --as NAME");
    }
    DecisionState open = decision;
    if (open == null || open.answer != null) {
      refuse(RefusalKind.NOT_WAITING, "the run is not waiting for a decision (phase: " + phase.label() + ")");
    }
    if (!open.options.contains(d.action())) {
      refuse(
          RefusalKind.NOT_ALLOWED,
          d.action().label() + " is not possible for step " + open.step
              + (d.action() == DecisionAction.SKIP
                  ? " (later steps depend on it)"
                  : " (nothing to compensate yet)")
              + ": choose " + labels(open.options));
    }
    refuseUnlessDecider(d.person());
  }

  private void refuseUnlessDecider(String person) {
    if (person.equals(request.requestedBy())) {
      return;
    }
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
          person + " may not decide for this run: only the requester (" + request.requestedBy()
              + ") or someone with role " + String.join(" or ", roles));
    }
  }

  public Receipt decide(DecisionRequest d) {
    DecisionState open = decision;
    if (open == null || open.answer != null) {
      return receipt("no decision pending; nothing changed");
    }
    open.answer = d;
    action(d.person(), "decided " + d.action().label(), open.step + (d.comment() == null ? "" : ": " + d.comment()));
    audit(
        AuditEventType.DECIDED,
        d.person(),
        open.step,
        d.comment(),
        Map.of("action", d.action().label()));
    flushAuditSoon();
    return receipt(d.action().label() + " " + open.step + " as " + d.person() + " decided");
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

  // ---------------------------------------------------------------- compensation and cleanup

  /**
   * Registers how to undo a step, before that step runs. Compensations run newest first when an
   * operator chooses compensate.
   */
  public void compensation(String undoes, String title, Runnable action) {
    compensations.add(new Compensation(undoes, title, action));
  }

  /** Registers work to do if the run ends without success (drop a staging database). */
  public void cleanup(String id, String title, Runnable action) {
    cleanups.put(id, new Compensation(id, title, action));
  }

  public void cancelCleanup(String id) {
    cleanups.remove(id);
  }

  /** Runs the compensations newest first, in a scope that a cancel cannot interrupt. */
  private RunEnded compensate(String by) {
    setPhase(Phase.COMPENSATING);
    action(by, "compensate", compensations.size() + " compensation(s)");
    List<String> failed = new ArrayList<>();
    Workflow.newDetachedCancellationScope(
            () -> {
              for (int i = compensations.size() - 1; i >= 0; i--) {
                Compensation c = compensations.get(i);
                StepRecord s = stepRecord("compensate-" + c.id, c.title);
                s.attempts++;
                s.state = StepState.RUNNING;
                s.startedAt = now();
                current = s;
                refreshDetails();
                try {
                  c.action.run();
                  s.state = StepState.SUCCEEDED;
                  StepRecord undone = steps.get(c.id);
                  if (undone != null && undone.state == StepState.SUCCEEDED) {
                    undone.state = StepState.COMPENSATED;
                  }
                } catch (TemporalFailure f) {
                  s.state = StepState.FAILED;
                  s.error = describe(f);
                  failed.add(s.id + " (" + s.error + ")");
                }
                s.finishedAt = now();
                audit(
                    s.state == StepState.SUCCEEDED
                        ? AuditEventType.STEP_SUCCEEDED
                        : AuditEventType.STEP_FAILED,
                    by,
                    s.id,
                    s.error,
                    stepData(s));
                flushAudit();
              }
            })
        .run();
    if (!failed.isEmpty()) {
      return new RunEnded(
          Phase.FAILED,
          "compensation incomplete, manual action needed: " + String.join("; ", failed));
    }
    return new RunEnded(
        Phase.COMPENSATED,
        "compensated by " + by + ": " + String.join(", ", compensations.stream().map(c -> c.title).toList()));
  }

  private void runCleanups() {
    for (Compensation c : List.copyOf(cleanups.values())) {
      try {
        c.action.run();
        action("runbook", "cleanup", c.title);
      } catch (TemporalFailure f) {
        action("runbook", "cleanup failed", c.title + ": " + describe(f));
      }
    }
    cleanups.clear();
  }

  // ---------------------------------------------------------------- approval

  /** Opens the approval gate and waits for it (see {@link #openApproval} for the parallel form). */
  public void approvalGate(ApprovalRule rule) {
    openApproval(rule);
    awaitApproval();
  }

  /**
   * Asks for approval without waiting: approvers are notified and the escalation clock starts,
   * while the run goes on preparing (a staged restore). {@link #awaitApproval} then waits.
   */
  public void openApproval(ApprovalRule rule) {
    StepRecord s = stepRecord("approval", "Approval");
    s.startedAt = now();
    s.attempts = 1;
    current = s;
    if (!rule.required()) {
      s.state = StepState.SKIPPED;
      s.detail = "no approval needed at " + request.severity();
      s.finishedAt = now();
      audit(AuditEventType.STEP_SKIPPED, null, s.id, s.detail, stepData(s));
      return;
    }
    if (request.dryRun()) {
      s.state = StepState.PLANNED;
      s.planned.add("wait for " + rule.describe());
      s.finishedAt = now();
      return;
    }
    ApprovalState a = new ApprovalState(rule, now());
    approval = a;
    s.state = StepState.RUNNING;
    s.detail = "waiting for " + rule.describe();
    waitingFor = "approval by " + String.join(" or ", rule.roles());
    setPhase(Phase.AWAITING_APPROVAL);
    notify(
        NotificationKind.APPROVAL_REQUESTED,
        Audience.APPROVERS,
        String.join(",", rule.roles()),
        "needs " + rule.describe());
    audit(AuditEventType.APPROVAL_REQUESTED, null, s.id, rule.describe(), Map.of("roles", String.join(",", rule.roles())));
    flushAudit();
    Async.procedure(() -> watchApproval(a));
  }

  /** Escalates each time the timeout passes, and times the gate out after abortAfter. */
  private void watchApproval(ApprovalState a) {
    while (a.status == ApprovalStatus.OPEN) {
      Instant abortAt = a.abortsAt();
      Instant next = a.nextEscalationAt();
      Instant wake = next != null && next.isBefore(abortAt) ? next : abortAt;
      Duration wait = Duration.between(now(), wake);
      boolean settled = Workflow.await(wait.isNegative() ? Duration.ZERO : wait, () -> a.status != ApprovalStatus.OPEN);
      if (settled || a.status != ApprovalStatus.OPEN) {
        return;
      }
      if (!now().isBefore(abortAt)) {
        a.status = ApprovalStatus.TIMED_OUT;
        action("runbook", "approval timed out", "nobody approved within " + Durations.human(a.rule.abortAfter()));
        audit(AuditEventType.STEP_FAILED, null, "approval", "timed out", Map.of());
        a.fireRefused();
        return;
      }
      String target = a.rule.escalation().get(a.level);
      a.level++;
      Duration waited = Duration.between(a.requestedAt, now());
      action("runbook", "escalated", "to " + target + " after " + Durations.human(waited));
      notify(
          NotificationKind.ESCALATED,
          Audience.ESCALATION,
          target,
          "no approval after " + Durations.human(waited) + "; needs " + a.rule.describe());
      audit(AuditEventType.ESCALATED, null, "approval", "to " + target, Map.of("level", Integer.toString(a.level)));
      flushAudit();
      refreshDetails();
    }
  }

  /** Runs {@code action} when the gate is rejected or times out (to stop preparation work). */
  public void onApprovalRefused(Runnable action) {
    if (approval != null) {
      approval.onRefused.add(action);
    }
  }

  public boolean approvalRefused() {
    return approval != null
        && (approval.status == ApprovalStatus.REJECTED || approval.status == ApprovalStatus.TIMED_OUT);
  }

  private boolean approvalOpen() {
    return approval != null && approval.status == ApprovalStatus.OPEN;
  }

  /** Waits for the gate opened by {@link #openApproval}; ends the run when it is refused. */
  public void awaitApproval() {
    ApprovalState a = approval;
    if (a != null) {
      Workflow.await(() -> a.status != ApprovalStatus.OPEN);
      StepRecord s = stepRecord("approval", "Approval");
      s.finishedAt = now();
      waitingFor = null;
      switch (a.status) {
        case APPROVED -> {
          s.state = StepState.SUCCEEDED;
          s.detail = "approved by " + String.join(", ", a.approvedBy);
          notify(NotificationKind.APPROVED, Audience.TEAM, null, s.detail);
          flushAudit();
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

  /** P2 runs may carry a start time: wait for it, durably. */
  private void waitForStartTime() {
    Instant notBefore = request.notBefore();
    if (notBefore == null || request.dryRun() || !now().isBefore(notBefore)) {
      return;
    }
    waitingFor = "the start time " + notBefore;
    setPhase(Phase.SCHEDULED);
    Workflow.sleep(Duration.between(now(), notBefore));
    waitingFor = null;
    setPhase(Phase.EXECUTING);
  }

  public void validateApprove(Vote vote) {
    validateVote(vote, true);
  }

  public void validateReject(Vote vote) {
    validateVote(vote, false);
  }

  private void validateVote(Vote vote, boolean approving) {
    if (vote == null) {
      refuse(RefusalKind.INVALID, "a vote needs a person: pass --as NAME");
    }
    ApprovalState a = approval;
    if (a == null || a.status != ApprovalStatus.OPEN) {
      refuse(
          blank(vote.person()) ? RefusalKind.INVALID : RefusalKind.NOT_WAITING,
          blank(vote.person())
              ? "a vote must name the person: pass --as NAME"
              : "the run is not waiting for approval (phase: " + phase.label() + ")");
    }
    VoteRules.refusal(
            policy,
            a.rule,
            request.requestedBy(),
            a.voters(),
            vote.person(),
            vote.comment(),
            approving,
            true,
            phase.label())
        .ifPresent(v -> refuse(v.kind(), v.message()));
  }

  public Receipt approve(Vote vote) {
    ApprovalState a = approval;
    if (a == null || a.status != ApprovalStatus.OPEN || a.voters().contains(vote.person())) {
      return receipt("vote already counted; nothing changed");
    }
    a.approvedBy.add(vote.person());
    action(vote.person(), "approved", vote.comment());
    audit(AuditEventType.APPROVED, vote.person(), "approval", vote.comment(), Map.of());
    if (a.approvedBy.size() >= a.rule.approvals()) {
      a.status = ApprovalStatus.APPROVED;
    }
    flushAuditSoon();
    refreshDetails();
    return receipt(
        a.status == ApprovalStatus.APPROVED
            ? "approved by " + vote.person() + "; the run goes on"
            : "approval counted (" + a.approvedBy.size() + " of " + a.rule.approvals() + ")");
  }

  public Receipt reject(Vote vote) {
    ApprovalState a = approval;
    if (a == null || a.status != ApprovalStatus.OPEN) {
      return receipt("the run is not waiting for approval; nothing changed");
    }
    a.status = ApprovalStatus.REJECTED;
    a.rejectedBy = vote.person();
    a.rejection = vote.comment();
    action(vote.person(), "rejected", vote.comment());
    audit(AuditEventType.REJECTED, vote.person(), "approval", vote.comment(), Map.of());
    flushAuditSoon();
    a.fireRefused();
    return receipt("rejected by " + vote.person() + "; the run ends");
  }

  public void approveSignal(Vote vote) {
    viaSignal("approve", vote == null ? null : vote.person(), () -> validateApprove(vote), () -> approve(vote));
  }

  public void rejectSignal(Vote vote) {
    viaSignal("reject", vote == null ? null : vote.person(), () -> validateReject(vote), () -> reject(vote));
  }

  /** Records a refused vote or decision (reported by the client that was refused). */
  public void recordRefusal(Refusal r) {
    if (r == null) {
      return;
    }
    String who = blank(r.person()) ? "unknown" : r.person();
    action(who, "refused " + (r.action() == null ? "request" : r.action()), r.reason());
    audit(
        AuditEventType.REFUSED,
        who,
        approval != null ? "approval" : null,
        r.reason(),
        Map.of("action", r.action() == null ? "" : r.action()));
    flushAuditSoon();
  }

  // ---------------------------------------------------------------- cancel

  public void validateCancel(CancelRequest c) {
    if (c == null || blank(c.person())) {
      refuse(RefusalKind.INVALID, "a cancel must name the person: pass --as NAME");
    }
    if (mainScope == null || phase.terminal()) {
      refuse(RefusalKind.NOT_WAITING, "the run cannot be cancelled in phase " + phase.label());
    }
    if (cancelRequest != null) {
      refuse(RefusalKind.DUPLICATE_VOTE, "the run is already being cancelled by " + cancelRequest.person());
    }
  }

  public Receipt cancel(CancelRequest c) {
    if (cancelRequest != null || mainScope == null || phase.terminal()) {
      return receipt("nothing to cancel");
    }
    cancelRequest = c;
    action(c.person(), "cancel", c.reason());
    audit(AuditEventType.CANCEL_REQUESTED, c.person(), current == null ? null : current.id, c.reason(), Map.of());
    mainScope.cancel("cancelled by " + c.person());
    return receipt("cancelling: the current step is stopped and the run ends");
  }

  // ---------------------------------------------------------------- monitoring

  /** Marks the monitoring period, during which a cancel ends the run as succeeded. */
  public void monitoring(boolean on) {
    this.monitoring = on;
    setPhase(on ? Phase.MONITORING : Phase.EXECUTING);
  }

  // ---------------------------------------------------------------- notifications and the log

  /** Sends a message; a message that cannot be delivered is recorded and never stops the run. */
  public void notify(NotificationKind kind, Audience audience, String target, String detail) {
    if (mode == Mode.CHILD) {
      return;
    }
    String key = workflowId + "/" + runId + "/" + (++notifySeq) + "-" + kind.name().toLowerCase(Locale.ROOT);
    Notification n =
        new Notification(
            key,
            kind,
            audience,
            target,
            workflowId,
            request.runbook(),
            request.severity(),
            request.services(),
            request.reason(),
            request.requestedBy(),
            request.incidentId(),
            detail,
            elapsed(),
            eta,
            request.dryRun());
    try {
      note(
          Workflow.newActivityStub(
                  NotifyActivities.class,
                  summary(ActivityCatalog.NOTIFY, "notify " + kind.name().toLowerCase(Locale.ROOT)))
              .send(n));
    } catch (ActivityFailure f) {
      if (isCancellation(f)) {
        throw f;
      }
      String why = describe(f);
      action("runbook", "notification failed", kind.name() + ": " + why);
      audit(AuditEventType.NOTIFICATION_FAILED, null, current == null ? null : current.id, why, Map.of("kind", kind.name()));
    }
  }

  private void audit(AuditEventType type, String actor, String step, String detail, Map<String, String> data) {
    if (mode == Mode.CHILD) {
      return;
    }
    auditPending.add(new AuditEvent(++auditSeq, type, now(), actor, step, detail, data));
  }

  /**
   * Writes pending events to the rollback log. A failure keeps them for the next flush: the log
   * must never hold up a rollback. Safe to run from handler threads: every event carries its own
   * sequence number, and the store ignores one it already has.
   */
  private void flushAudit() {
    if (mode == Mode.CHILD || auditPending.isEmpty()) {
      return;
    }
    List<AuditEvent> batch = List.copyOf(auditPending);
    long last = batch.get(batch.size() - 1).seq();
    try {
      Workflow.newActivityStub(AuditActivities.class, summary(ActivityCatalog.AUDIT, "rollback log"))
          .record(new AuditBatch(workflowId, runId, request.runbook(), batch));
      auditFlushedUpTo = Math.max(auditFlushedUpTo, last);
      auditPending.removeIf(e -> e.seq() <= auditFlushedUpTo);
    } catch (ActivityFailure f) {
      if (isCancellation(f)) {
        throw f;
      }
      log.warn("{}: rollback log write failed, kept {} events for the next try: {}", workflowId, batch.size(), describe(f));
    }
  }

  /** Flushes from a handler without making the caller wait for the log. */
  private void flushAuditSoon() {
    if (mode == Mode.RUNBOOK && request != null) {
      Async.procedure(this::flushAudit);
    }
  }

  // ---------------------------------------------------------------- activity stubs

  public ServiceActivities services(ActivityOptions options) {
    return Workflow.newActivityStub(ServiceActivities.class, summary(options, null));
  }

  public DatabaseActivities databases(ActivityOptions options) {
    return Workflow.newActivityStub(DatabaseActivities.class, summary(options, null));
  }

  public CheckActivities checks() {
    return Workflow.newActivityStub(CheckActivities.class, summary(ActivityCatalog.QUICK, null));
  }

  private PolicyActivities policyActivities() {
    return Workflow.newActivityStub(PolicyActivities.class, summary(ActivityCatalog.POLICY, null));
  }

  /** The activity summary Temporal UI shows: the step it belongs to. */
  private ActivityOptions summary(ActivityOptions options, String text) {
    String s = text != null ? text : current == null ? null : current.title;
    return s == null ? options : ActivityOptions.newBuilder(options).setSummary(s).build();
  }

  // ---------------------------------------------------------------- what people see

  public String workflowId() {
    return workflowId;
  }

  /** A short identifier of this run, used to name its staging database. */
  public String runTag() {
    return runTag;
  }

  /**
   * A short tag unique to the run, from the random end of its ID: real servers make time-ordered
   * (version 7) run IDs, whose first digits are the same for runs started the same minute.
   */
  static String runTag(String runId) {
    String hex = runId.replace("-", "").toLowerCase(Locale.ROOT);
    return hex.substring(Math.max(0, hex.length() - 8));
  }

  public String key(String step) {
    return workflowId + "/" + runTag + "/" + step;
  }

  public PolicySnapshot policy() {
    return policy;
  }

  public boolean dryRun() {
    return request.dryRun();
  }

  public Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  public Duration elapsed() {
    Instant end = finishedAt != null ? finishedAt : now();
    return startedAt == null ? Duration.ZERO : Duration.between(startedAt, end);
  }

  private void setPhase(Phase next) {
    if (next != phase) {
      phase = next;
      if (request != null) {
        Workflow.upsertTypedSearchAttributes(RunbookSearchAttributes.PHASE.valueSet(next.label()));
      }
    }
    refreshDetails();
  }

  /** What Temporal UI shows as the run's current details. */
  private void refreshDetails() {
    if (request == null) {
      return;
    }
    StringBuilder b = new StringBuilder();
    b.append("**").append(request.runbook().id()).append(" rollback** of ")
        .append(String.join(", ", request.services()))
        .append(" (").append(request.severity()).append(request.dryRun() ? ", dry run" : "")
        .append("): **").append(phase.label()).append("**\n\n");
    int n = 0;
    for (StepRecord s : steps.values()) {
      n++;
      b.append(n).append(". ").append(s.title).append(": ").append(s.state.label());
      if (s.detail != null) {
        b.append(" (").append(s.detail).append(')');
      }
      if (s.error != null) {
        b.append(" (error: ").append(s.error).append(')');
      }
      b.append('\n');
    }
    if (waitingFor != null) {
      b.append("\nWaiting for ").append(waitingFor).append('\n');
    }
    if (outcomeMessage != null) {
      b.append('\n').append(outcomeMessage).append('\n');
    }
    Workflow.setCurrentDetails(b.toString());
  }

  public RunStatus status() {
    if (request == null) {
      return new RunStatus(
          Workflow.getInfo().getWorkflowId(), null, null, List.of(), null, null, null, false,
          Phase.STARTING, null, null, null, null, List.of(), null, null, List.of(), null);
    }
    return new RunStatus(
        workflowId,
        request.runbook(),
        request.severity(),
        request.services(),
        request.reason(),
        request.requestedBy(),
        request.incidentId(),
        request.dryRun(),
        phase,
        current == null ? null : current.id,
        waitingFor,
        startedAt,
        finishedAt,
        stepStatuses(),
        pendingApproval(),
        pendingDecision(),
        List.copyOf(actions),
        outcomeMessage);
  }

  private PendingApproval pendingApproval() {
    ApprovalState a = approval;
    if (a == null || a.status != ApprovalStatus.OPEN) {
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
        request.notBefore());
  }

  private PendingDecision pendingDecision() {
    DecisionState d = decision;
    return d == null ? null : new PendingDecision(d.step, d.error, d.options, d.since);
  }

  private List<StepStatus> stepStatuses() {
    return steps.values().stream().map(StepRecord::snapshot).toList();
  }

  /** Every planned action of a dry run, as "step: command". */
  private List<String> plannedActions() {
    List<String> all = new ArrayList<>();
    for (StepRecord s : steps.values()) {
      for (String p : s.planned) {
        all.add(s.id + ": " + p);
      }
    }
    return all;
  }

  public RunReport report() {
    return new RunReport(
        workflowId,
        phase,
        outcomeMessage,
        elapsed(),
        stepStatuses(),
        request.dryRun() ? plannedActions() : List.of(),
        List.copyOf(actions));
  }

  private void action(String actor, String what, String detail) {
    if (actions.size() >= MAX_ACTIONS) {
      actions.remove(0);
    }
    actions.add(new ActionRecord(now(), actor, what, detail));
  }

  private Receipt receipt(String message) {
    return new Receipt(workflowId, phase, message);
  }

  private String firstEscalation() {
    if (policy == null) {
      return null;
    }
    ApprovalRule r = policy.policy().ruleFor(request.severity(), false);
    return r.escalation() == null || r.escalation().isEmpty() ? null : r.escalation().get(0);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static void refuse(RefusalKind kind, String message) {
    throw ApplicationFailure.newNonRetryableFailure(kind.message(message), kind.name());
  }

  // ---------------------------------------------------------------- state records

  private static final class StepRecord {
    final String id;
    final String title;
    StepState state = StepState.PENDING;
    int attempts;
    Instant startedAt;
    Instant finishedAt;
    String detail;
    String error;
    final List<String> planned = new ArrayList<>();

    StepRecord(String id, String title) {
      this.id = id;
      this.title = title;
    }

    StepStatus snapshot() {
      return new StepStatus(id, title, state, attempts, startedAt, finishedAt, detail, error, List.copyOf(planned));
    }
  }

  private enum ApprovalStatus {
    OPEN,
    APPROVED,
    REJECTED,
    TIMED_OUT
  }

  private static final class ApprovalState {
    final ApprovalRule rule;
    final Instant requestedAt;
    final List<String> approvedBy = new ArrayList<>();
    final List<Runnable> onRefused = new ArrayList<>();
    ApprovalStatus status = ApprovalStatus.OPEN;
    String rejectedBy;
    String rejection;
    int level;

    ApprovalState(ApprovalRule rule, Instant requestedAt) {
      this.rule = rule;
      this.requestedAt = requestedAt;
    }

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

  private static final class DecisionState {
    final String step;
    final String error;
    final List<DecisionAction> options;
    final Instant since;
    DecisionRequest answer;

    DecisionState(String step, String error, List<DecisionAction> options, Instant since) {
      this.step = step;
      this.error = error;
      this.options = options;
      this.since = since;
    }
  }

  private static final class Compensation {
    final String id;
    final String title;
    final Runnable action;

    Compensation(String id, String title, Runnable action) {
      this.id = id;
      this.title = title;
      this.action = action;
    }
  }
}
