package dev.runbook.workflows.engine;

import static dev.runbook.workflows.engine.Failures.blank;
import static dev.runbook.workflows.engine.Failures.describe;
import static dev.runbook.workflows.engine.Failures.isCancellation;
import static dev.runbook.workflows.engine.Failures.refuse;

import dev.runbook.workflows.ChecklistWorkflow;
import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.ChecklistActivities;
import dev.runbook.workflows.activities.ChecklistActivities.Plan;
import dev.runbook.workflows.activities.ChecklistActivities.PlanRequest;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.PolicyActivities;
import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.ChecklistRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.WorkflowIds;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * A run from start to end: validates the request, loads the policy, runs the runbook's body in a
 * scope a cancel can stop, and ends the run the same way whatever happened (success, an early
 * end, a failure, a cancel): cleanups, the final message, the rollback log, Temporal UI.
 */
final class Lifecycle {
  private static final Logger log = Workflow.getLogger(Lifecycle.class);

  private final RunbookEngine.Mode mode;
  private final RunState run;
  private final Journal journal;
  private final StepRunner steps;
  private final Saga saga;
  private final ChecklistActivities checklists = Workflow.newLocalActivityStub(ChecklistActivities.class,
      LocalActivityOptions.newBuilder(ActivityCatalog.QUICK_LOCAL).setSummary("Read the checklist's plan").build());
  private CancellationScope mainScope;
  private CancelRequest cancelRequest;

  Lifecycle(RunbookEngine.Mode mode, RunState run, Journal journal, StepRunner steps, Saga saga) {
    this.mode = mode;
    this.run = run;
    this.journal = journal;
    this.steps = steps;
    this.saga = saga;
  }

  <R> R run(RunbookRequest req, Duration eta, Runnable body, Function<RunReport, R> result) {
    run.begin(req, eta);
    List<String> problems = req.problems();
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "invalid " + req.runbook().id() + " request: " + String.join("; ", problems),
          FailureType.INVALID_INPUT.name());
    }
    int behind = mode == RunbookEngine.Mode.RUNBOOK ? Versions.bookkeepingBehind() : 0;
    run.bookkeepingBehind = behind >= 1;
    run.askingBehind = behind >= 2;
    run.publish();
    journal.audit(AuditEventType.RUN_STARTED, req.requestedBy(), null, req.reason(), startData(req));
    run.refreshDetails();

    mainScope =
        Workflow.newCancellationScope(
            () -> {
              try {
                if (mode == RunbookEngine.Mode.RUNBOOK) {
                  run.policy =
                      steps.step(
                          "load-policy",
                          "Load the approval policy",
                          StepPolicy.REQUIRED,
                          () ->
                              Workflow.newActivityStub(
                                      PolicyActivities.class, run.summary(ActivityCatalog.POLICY, null))
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
      if (run.monitoring) {
        end(Phase.SUCCEEDED, "rolled back; monitoring stopped early by " + by + ": " + why);
      } else {
        end(Phase.CANCELLED, "cancelled by " + by + (why == null ? "" : ": " + why));
      }
      if (cancelRequest == null) {
        // Cancelled from Temporal: the run closes as cancelled, not failed.
        throw e instanceof CanceledFailure c ? c : new CanceledFailure("cancelled from Temporal");
      }
    }
    return result.apply(run.report());
  }

  private String successMessage() {
    if (run.successMessage != null) {
      return run.successMessage;
    }
    if (run.request.dryRun()) {
      return "dry run: nothing was changed; " + run.plannedActions().size() + " actions planned";
    }
    if (run.fromLabel != null || run.toLabel != null) {
      return "rolled back from " + run.fromLabel + " to " + run.toLabel;
    }
    return "completed";
  }

  private static Map<String, String> startData(RunbookRequest request) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("runbook", request.runbook().id());
    if (request.severity() != null) {
      d.put("severity", request.severity().name());
    }
    d.put("services", String.join(",", request.services()));
    d.put("requestedBy", request.requestedBy());
    d.put("dryRun", Boolean.toString(request.dryRun()));
    if (request.incidentId() != null) {
      d.put("incidentId", request.incidentId());
    }
    DrillMark.mark(d);
    return d;
  }

  /** Ends the run: cleanups when it did not succeed, the message, the log, the UI. */
  private void end(Phase outcome, String message) {
    if (cancelRequest == null) {
      run.ending = "ending as " + outcome.label() + " (" + message + ")";
    }
    run.waitingFor = null;
    Workflow.newDetachedCancellationScope(
            () -> {
              if (outcome != Phase.SUCCEEDED) {
                saga.runCleanups();
              }
              run.finishedAt = run.now();
              run.outcomeMessage = message;
              run.waitingFor = null;
              run.monitoring = false;
              run.setPhase(outcome);
              NotificationKind kind = endNotification(outcome);
              if (kind != null) {
                journal.notify(kind, Audience.TEAM, null, message);
                // A job has no escalation path: the team hears of its failure once.
                if ((outcome == Phase.FAILED || outcome == Phase.REFUSED) && mode == RunbookEngine.Mode.RUNBOOK) {
                  journal.notify(kind, Audience.ESCALATION, run.firstEscalation(), message);
                }
              }
              Map<String, String> data = new LinkedHashMap<>();
              data.put("outcome", outcome.label());
              data.put("durationMs", Long.toString(run.elapsed().toMillis()));
              if (run.fromLabel != null) {
                data.put("from", run.fromLabel);
              }
              if (run.toLabel != null) {
                data.put("to", run.toLabel);
              }
              journal.audit(AuditEventType.RUN_FINISHED, null, null, message, data);
              journal.flush();
              startChecklist(outcome);
              Workflow.upsertMemo(Map.of("outcome", outcome.label(), "message", message));
              run.refreshDetails();
              log.info("{} ended {}: {}", run.workflowId, outcome.label(), message);
            })
        .run();
  }

  /**
   * Starts the run's checklist as a child that outlives it (ABANDON), and waits until it has
   * started so that this run closing cannot lose it. Real runbook runs only: not dry runs, drills,
   * a full rollback's service runs (the full run starts one for all) or jobs. Whether there is a
   * checklist for this runbook and outcome is the worker's configuration's to say: the run reads
   * the plan first and starts no child when it has no items (version 2 of {@link
   * Versions#CHECKLISTS}; runs recorded before it start the child, which decides).
   */
  private void startChecklist(Phase outcome) {
    if (mode != RunbookEngine.Mode.RUNBOOK || run.request.dryRun() || DrillMark.drill() != null) {
      return;
    }
    int version = Versions.checklists();
    if (version < 1 || (version >= 2 && noChecklist(outcome))) {
      return;
    }
    RunbookRequest req = run.request;
    // From the request, not Workflow.getInfo(): a real run's ID is its request's business ID, and
    // the request is in the history, so a replay outside the server starts the same child.
    String runId = req.workflowId();
    String id = WorkflowIds.forChecklist(runId, run.finishedAt);
    ChecklistWorkflow child = Workflow.newChildWorkflowStub(ChecklistWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .setStaticSummary("checklist after " + runId + " (" + outcome.label() + ")")
            .build());
    ChecklistRequest checklist = new ChecklistRequest(runId, req.runbook(), outcome, req.services(),
        run.finishedAt, req.severity(), escalationPath(), req.incidentId(), req.reason(), req.requestedBy(),
        run.runId);
    try {
      Async.function(child::run, checklist);
      Workflow.getWorkflowExecution(child).get();
      run.action("runbook", ChecklistWorkflow.STARTED_ACTION, id);
    } catch (TemporalFailure f) {
      if (isCancellation(f)) {
        throw f;
      }
      // The checklist could not start (the server refused it): this run's ending stands.
      run.action("runbook", "checklist not started", describe(f));
      log.warn("{}: checklist {} not started: {}", run.workflowId, id, describe(f));
    }
  }

  /**
   * Whether the checklist's plan has no items for this run, read by a local activity (the
   * worker's configuration, as the child would read it); recorded among the run's actions with
   * the reason. When the plan cannot be read, the child is started as before and reads it itself.
   */
  private boolean noChecklist(Phase outcome) {
    RunbookRequest req = run.request;
    Plan plan;
    try {
      plan = checklists.plan(new PlanRequest(req.workflowId(), req.runbook(), outcome.label(), req.services()));
    } catch (ActivityFailure f) {
      log.warn("{}: could not read the checklist's plan, the checklist reads it: {}", run.workflowId, describe(f));
      return false;
    }
    if (plan.none() == null) {
      return false;
    }
    run.action("runbook", ChecklistWorkflow.NONE_ACTION, plan.none());
    return true;
  }

  private List<String> escalationPath() {
    if (run.policy == null) {
      return List.of();
    }
    List<String> path = run.policy.policy().ruleFor(run.request.severity(), false).escalation();
    return path == null ? List.of() : path;
  }

  private static NotificationKind endNotification(Phase outcome) {
    return switch (outcome) {
      case REJECTED -> NotificationKind.REJECTED;
      case TIMED_OUT -> NotificationKind.TIMED_OUT;
      case ABORTED -> NotificationKind.ABORTED;
      case COMPENSATED -> NotificationKind.COMPENSATED;
      case CANCELLED -> NotificationKind.CANCELLED;
      case DISARMED -> NotificationKind.DISARMED;
      case REFUSED -> NotificationKind.REFUSED;
      case FAILED -> NotificationKind.FAILED;
      default -> null;
    };
  }

  // ---------------------------------------------------------------- cancel

  void validateCancel(CancelRequest c) {
    if (c == null || blank(c.person())) {
      refuse(RefusalKind.INVALID, "a cancel must name the person: pass --as NAME");
    }
    if (cancelRequest != null) {
      refuse(RefusalKind.DUPLICATE_VOTE, "the run is already being cancelled by " + cancelRequest.person());
    }
    if (run.ending != null) {
      refuse(RefusalKind.NOT_WAITING, "the run is already " + run.ending + ": there is nothing left to cancel");
    }
    if (mainScope == null || run.phase.terminal()) {
      refuse(RefusalKind.NOT_WAITING, "the run cannot be cancelled in phase " + run.phase.label());
    }
  }

  Receipt cancel(CancelRequest c) {
    if (cancelRequest != null || run.ending != null || mainScope == null || run.phase.terminal()) {
      return run.receipt("nothing to cancel");
    }
    cancelRequest = c;
    run.ending = "being cancelled by " + c.person();
    run.waitingFor = null;
    run.action(c.person(), "cancel", c.reason());
    journal.audit(AuditEventType.CANCEL_REQUESTED, c.person(), run.currentStepId(), c.reason(), Map.of());
    mainScope.cancel("cancelled by " + c.person());
    if (run.monitoring) {
      return run.receipt(Phase.SUCCEEDED, "stopping the monitoring: the rollback stands and the run ends");
    }
    return run.armed != null
        ? run.receipt(Phase.CANCELLED, "cancelling in the armed window: nothing was changed and the run ends")
        : run.receipt(Phase.CANCELLED, "cancelling: the current step is stopped and the run ends");
  }
}
