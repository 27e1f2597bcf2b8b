package dev.runbook.workflows.engine;

import dev.runbook.workflows.activities.Planned;
import dev.runbook.workflows.model.ActionRecord;
import dev.runbook.workflows.model.Armed;
import dev.runbook.workflows.model.PendingApproval;
import dev.runbook.workflows.model.PendingDecision;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.policy.ApprovalRule;
import dev.runbook.workflows.policy.PolicySnapshot;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run as others see it: its request and identity, phase, steps, who did what, and what
 * Temporal UI shows (search attributes, memo, current details, activity summaries). Every other
 * part of the engine reads and updates the run through this one object.
 */
final class RunState {
  private static final int MAX_ACTIONS = 200;

  RunbookRequest request;
  String workflowId;
  String runId;
  String runTag;
  PolicySnapshot policy;
  Duration eta;
  Instant startedAt;
  Instant finishedAt;
  Phase phase = Phase.STARTING;
  String waitingFor;
  String outcomeMessage;
  String fromLabel;
  String toLabel;
  /** What a successful run says it did, when its workflow says so (jobs do). */
  String successMessage;
  /** In the monitoring period a cancel ends the run as succeeded: the rollback is done. */
  boolean monitoring;
  /**
   * The run's bookkeeping goes behind it ({@link Versions#BOOKKEEPING_BEHIND}): asked once, when
   * the run starts, where waiting for the answer cannot let another thread's command go first.
   */
  boolean bookkeepingBehind;
  /** Asking for approval goes behind the run too, and messages behind it keep their order (version 2). */
  boolean askingBehind;
  /** An armed run's fix-forward window while it lasts (see {@link FixForwardWindow}), else null. */
  Armed armed;
  /**
   * Why the run is ending, once it is ("being cancelled by erin", "ending as rejected (...)"):
   * from then on no vote, decision or cancel is taken, and refusals say this rather than the
   * phase, which only moves to the outcome once cleanups and messages are done.
   */
  String ending;

  private final Map<String, StepRecord> steps = new LinkedHashMap<>();
  StepRecord current;
  private final List<ActionRecord> actions = new ArrayList<>();

  /** Takes the request and the run's identity; nothing is written yet. */
  void begin(RunbookRequest req, Duration eta) {
    this.request = req;
    this.eta = eta;
    this.workflowId = Workflow.getInfo().getWorkflowId();
    this.runId = Workflow.getInfo().getRunId();
    this.runTag = runTag(runId);
    this.startedAt = now();
  }

  /** Sets the search attributes and memo Temporal UI finds the run by. */
  void publish() {
    RunbookRequest req = request;
    List<SearchAttributeUpdate<?>> attributes = new ArrayList<>();
    attributes.add(RunbookSearchAttributes.RUNBOOK_TYPE.valueSet(req.runbook().id()));
    if (req.severity() != null) { // a job has none: nothing waits for an approval
      attributes.add(RunbookSearchAttributes.SEVERITY.valueSet(req.severity().name()));
    }
    if (!req.services().isEmpty()) { // a cleanup of every database names none
      attributes.add(RunbookSearchAttributes.SERVICE.valueSet(req.services()));
    }
    attributes.add(RunbookSearchAttributes.PHASE.valueSet(phase.label()));
    Workflow.upsertTypedSearchAttributes(attributes.toArray(new SearchAttributeUpdate<?>[0]));
    Map<String, Object> memo = new LinkedHashMap<>();
    memo.put("reason", req.reason());
    memo.put("requestedBy", req.requestedBy());
    memo.put("dryRun", req.dryRun());
    if (req.incidentId() != null) {
      memo.put("incidentId", req.incidentId());
    }
    Workflow.upsertMemo(memo);
  }

  /**
   * A short tag unique to the run, from the random end of its ID: real servers make time-ordered
   * (version 7) run IDs, whose first digits are the same for runs started the same minute.
   */
  static String runTag(String runId) {
    String hex = runId.replace("-", "").toLowerCase(Locale.ROOT);
    return hex.substring(Math.max(0, hex.length() - 8));
  }

  /** A stable idempotency key for one piece of work of this run. */
  String key(String step) {
    return workflowId + "/" + runTag + "/" + step;
  }

  Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  Duration elapsed() {
    Instant end = finishedAt != null ? finishedAt : now();
    return startedAt == null ? Duration.ZERO : Duration.between(startedAt, end);
  }

  // ---------------------------------------------------------------- steps

  StepRecord step(String id, String title) {
    return steps.computeIfAbsent(id, k -> new StepRecord(id, title));
  }

  StepRecord existingStep(String id) {
    return steps.get(id);
  }

  /** Adds an activity result's commands to the current step's plan. */
  <T> T note(T result) {
    if (result instanceof Planned p && current != null && p.planned() != null) {
      current.planned.addAll(p.planned());
    }
    return result;
  }

  void plan(String line) {
    if (current != null) {
      current.planned.add(line);
    }
  }

  void detail(String text) {
    if (current != null) {
      current.detail = text;
      refreshDetails();
    }
  }

  String currentStepId() {
    return current == null ? null : current.id;
  }

  /** Every planned action of a dry run, as "step: command". */
  List<String> plannedActions() {
    List<String> all = new ArrayList<>();
    for (StepRecord s : steps.values()) {
      for (String p : s.planned) {
        all.add(s.id + ": " + p);
      }
    }
    return all;
  }

  /** The IDs of the steps a dry run has planned actions for so far, in order. */
  List<String> plannedSteps() {
    return steps.values().stream()
        .filter(s -> s.state == StepState.PLANNED && !s.planned.isEmpty())
        .map(s -> s.id)
        .toList();
  }

  // ---------------------------------------------------------------- who did what

  void action(String actor, String what, String detail) {
    if (actions.size() >= MAX_ACTIONS) {
      actions.remove(0);
    }
    actions.add(new ActionRecord(now(), actor, what, detail));
  }

  Receipt receipt(String message) {
    return new Receipt(workflowId, phase, message);
  }

  /** A receipt for an act that moves the run on: it names the phase the run goes to. */
  Receipt receipt(Phase next, String message) {
    return new Receipt(workflowId, next, message);
  }

  /** The first level of the escalation path at the run's severity, or null. */
  String firstEscalation() {
    if (policy == null) {
      return null;
    }
    ApprovalRule r = policy.policy().ruleFor(request.severity(), false);
    return r.escalation() == null || r.escalation().isEmpty() ? null : r.escalation().get(0);
  }

  // ---------------------------------------------------------------- what people see

  void setPhase(Phase next) {
    if (next != phase) {
      phase = next;
      if (request != null) {
        Workflow.upsertTypedSearchAttributes(RunbookSearchAttributes.PHASE.valueSet(next.label()));
      }
    }
    refreshDetails();
  }

  /** The activity summary Temporal UI shows: the step it belongs to. */
  ActivityOptions summary(ActivityOptions options, String text) {
    String s = text != null ? text : current == null ? null : current.title;
    return s == null ? options : ActivityOptions.newBuilder(options).setSummary(s).build();
  }

  /** What Temporal UI shows as the run's current details. */
  void refreshDetails() {
    if (request == null) {
      return;
    }
    StringBuilder b = new StringBuilder();
    if (request.runbook().rollback()) {
      b.append("**").append(request.runbook().id()).append(" rollback** of ")
          .append(String.join(", ", request.services()))
          .append(" (").append(request.severity()).append(request.dryRun() ? ", dry run" : "")
          .append("): **").append(phase.label()).append("**\n\n");
    } else {
      b.append("**").append(request.runbook().id()).append("** of ")
          .append(request.services().isEmpty() ? "every database" : String.join(", ", request.services()))
          .append(request.dryRun() ? " (dry run)" : "").append(": **").append(phase.label()).append("**\n\n");
    }
    // What the run waits for comes first: Temporal UI shows the details in a box of fixed height.
    if (waitingFor != null) {
      b.append("Waiting for ").append(waitingFor).append("\n\n");
    }
    if (armed != null) {
      b.append("**Armed** by ").append(armed.by()).append(": ").append(armed.plan()).append(" at ")
          .append(Shown.time(armed.endsAt())).append(" unless disarmed (`runbook disarm ").append(workflowId)
          .append("` or `runbook cancel ").append(workflowId).append("`)\n\n");
    }
    if (outcomeMessage != null) {
      b.append(outcomeMessage).append("\n\n");
    }
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
    Workflow.setCurrentDetails(b.toString());
  }

  RunStatus status(PendingApproval approval, PendingDecision decision) {
    if (request == null) {
      return new RunStatus(
          Workflow.getInfo().getWorkflowId(), null, null, List.of(), null, null, null, false,
          Phase.STARTING, null, null, null, null, List.of(), null, null, List.of(), null, null);
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
        currentStepId(),
        waitingFor,
        startedAt,
        finishedAt,
        stepStatuses(),
        approval,
        decision,
        List.copyOf(actions),
        outcomeMessage,
        armed);
  }

  RunReport report() {
    return new RunReport(
        workflowId,
        phase,
        outcomeMessage,
        elapsed(),
        stepStatuses(),
        request.dryRun() ? plannedActions() : List.of(),
        List.copyOf(actions));
  }

  private List<StepStatus> stepStatuses() {
    return steps.values().stream().map(StepRecord::snapshot).toList();
  }
}
