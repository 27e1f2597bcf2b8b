package dev.runbook.starter.client;

import dev.runbook.starter.DrillJobs;
import dev.runbook.workflows.DrillWorkflow;
import dev.runbook.workflows.client.OpenExecutions;
import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.DrillAlert;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.model.WorkflowIds;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Starts drills straight through Temporal (for the API server, and tests): fills what the person
 * left out from the target's {@code drills:} entry, then refuses, with nothing started, a target
 * the workers may not drill (production, unknown), a drill already running on the target, a real
 * rollback of the target running, and a request that is not valid (an approver who is also the
 * requester among them).
 */
public final class Drills implements DrillJobs {
  /** A drill's workflow ID: {@code drill-<target>-<tag>}. */
  public static final Pattern DRILL_ID = Pattern.compile(
      Pattern.quote(WorkflowIds.DRILL_PREFIX) + "[a-z0-9][a-z0-9._-]{0,62}-[0-9a-f]{8}");

  private final RunbookClient runbooks;
  private final DrillDefaults defaults;

  public Drills(RunbookClient runbooks, DrillDefaults defaults) {
    this.runbooks = runbooks;
    this.defaults = defaults;
  }

  @Override
  public Runbooks.Started drill(DrillStart start, String person) {
    DrillRequest request = request(start, person, RunbookClient.newTag());
    List<String> refusals = new ArrayList<>(runbooks.startCheck().drillProblems(request));
    if (!refusals.isEmpty()) {
      throw new RunbookException.StartRefused("nothing was started: " + String.join("; ", refusals));
    }
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      throw new RunbookException.InvalidRequest("invalid drill request: " + String.join("; ", problems));
    }
    String target = request.target();
    Optional<String> drilling = openDrill(target);
    if (drilling.isPresent()) {
      throw new RunbookException.Conflict(drilling.get(), "nothing was started: a drill of " + target + " is already"
          + " running (" + drilling.get() + "): wait for it to end (runbook drills show " + drilling.get() + ")");
    }
    String rollback = request.rollbackWorkflowId();
    if (isRunning(rollback)) {
      throw new RunbookException.Conflict(rollback, "nothing was started: a rollback of " + target + " is running ("
          + rollback + "): drill it once that rollback has ended (runbook watch " + rollback + ")");
    }
    WorkflowClient client = runbooks.temporal();
    DrillWorkflow w = client.newWorkflowStub(DrillWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(runbooks.taskQueue())
        .setWorkflowId(request.workflowId())
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setWorkflowTaskTimeout(runbooks.workflowTaskTimeout())
        .setStaticSummary("drill: " + request.runbook().id() + " rollback of " + target + ", breaking "
            + request.broken() + " with " + request.brokenWith())
        .build());
    try {
      var execution = WorkflowClient.start(w::drill, request);
      return new Runbooks.Started(execution.getWorkflowId(), execution.getRunId(), false);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new RunbookException.Conflict(request.workflowId(), "nothing was started: " + request.workflowId()
          + " already exists: start the drill again, it draws another tag");
    } catch (RuntimeException e) {
      throw runbooks.translateFailure(request.workflowId(), e);
    }
  }

  @Override
  public Optional<DrillReport> report(String workflowId, Duration wait) {
    boolean known;
    try {
      known = status(workflowId).isPresent();
    } catch (StatusRuntimeException e) {
      throw runbooks.translateFailure(workflowId, e);
    }
    if (!known) {
      // Asked first: a result poll of a workflow the server does not know may only time out.
      throw new RunbookException.UnknownRun(workflowId, "Temporal knows no drill " + workflowId
          + ": check the ID with `runbook drills`");
    }
    try {
      return runbooks.awaitResult(workflowId, DrillReport.class, wait);
    } catch (io.temporal.client.WorkflowFailedException ended) {
      // Cancelled or terminated: it has no report; its status says how it ended.
      throw runbooks.translateFailure(workflowId, ended);
    }
  }

  @Override
  public Receipt cancelDrill(String workflowId, String person, String reason) {
    if (workflowId == null || !DRILL_ID.matcher(workflowId).matches()) {
      throw new RunbookException.UnknownRun(String.valueOf(workflowId), "'" + Validation.printable(String.valueOf(workflowId))
          + "' is not a drill ID: drill IDs look like drill-TARGET-TAG (8 hex digits); list them with `runbook drills`");
    }
    try {
      return runbooks.update(workflowId, DrillWorkflow.CANCEL, new CancelRequest(person, reason));
    } catch (RunbookException.UnknownRun unknown) {
      // Temporal answers an update to a drill that has ended as if there were none.
      if (status(workflowId).isPresent()) {
        throw new RunbookException.Refused(RefusalKind.NOT_WAITING, "drill " + workflowId + " has ended: there is"
            + " nothing left to cancel; its report: runbook drills show " + workflowId);
      }
      throw new RunbookException.UnknownRun(workflowId, "no drill " + workflowId + ": check the ID with `runbook"
          + " drills` (GET /api/v1/drills)");
    }
  }

  /**
   * Hands an alert to one drill. The drill judges: one that does not detect by alert, does not
   * wait for detection, or wants other labels refuses ({@link RunbookException.Refused}).
   */
  public Receipt alert(String workflowId, DrillAlert alert) {
    return runbooks.update(workflowId, DrillWorkflow.ALERT, alert);
  }

  /** The request as it will start: the person's fields, else the target's {@code drills:} entry. */
  public DrillRequest request(DrillStart s, String person, String tag) {
    return DrillRequests.of(defaults, s, person, tag);
  }

  /** The open drill of this target, if one runs ({@code drill-<target>-<tag>}, exactly). */
  private Optional<String> openDrill(String target) {
    Pattern mine = Pattern.compile(Pattern.quote(WorkflowIds.DRILL_PREFIX + target + "-") + "[0-9a-f]{8}");
    return OpenExecutions.first(runbooks.temporal(), mine.asMatchPredicate());
  }

  /**
   * Every drill that runs ({@code drill-<target>-<tag>}), as Temporal lists them; Temporal out of
   * reach is {@link RunbookException.Unavailable}, saying where it was looked for.
   */
  public List<String> openDrills() {
    try {
      return OpenExecutions.all(runbooks.temporal(), "Drill", DRILL_ID.asMatchPredicate());
    } catch (StatusRuntimeException e) {
      throw runbooks.translateFailure("the open drills", e);
    }
  }

  /** The target in a drill's ID: {@code api} of {@code drill-api-0123abcd}. */
  public static String targetOf(String drillId) {
    return drillId.substring(WorkflowIds.DRILL_PREFIX.length(), drillId.length() - 9);
  }

  private boolean isRunning(String workflowId) {
    return status(workflowId).orElse(null) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** How the workflow stands, or empty when there is none. */
  private Optional<WorkflowExecutionStatus> status(String workflowId) {
    WorkflowClient client = runbooks.temporal();
    try {
      return Optional.of(client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
              .build())
          .getWorkflowExecutionInfo().getStatus());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
