package dev.runbook.starter.client;

import dev.runbook.starter.DrillJobs;
import dev.runbook.workflows.DrillWorkflow;
import dev.runbook.workflows.client.OpenExecutions;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.model.WorkflowIds;
import dev.runbook.workflows.policy.Durations;
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
import java.util.Locale;
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
            + request.broken() + " with " + request.badVersion())
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
    try {
      return runbooks.awaitResult(workflowId, DrillReport.class, wait);
    } catch (io.temporal.client.WorkflowFailedException ended) {
      // Cancelled or terminated: it has no report; its status says how it ended.
      throw runbooks.translateFailure(workflowId, ended);
    }
  }

  /** The request as it will start: the person's fields, else the target's {@code drills:} entry. */
  public DrillRequest request(DrillStart s, String person, String tag) {
    RunbookType type = runbook(s.runbook());
    String target = s.target();
    if (target == null || target.isBlank()) {
      throw new RunbookException.InvalidRequest("target is required: name the staging service (emergency) or"
          + " environment (full) to drill");
    }
    DrillRequest entry = defaults.byTarget().get(target);
    if (entry != null && entry.runbook() != type) {
      entry = null;
    }
    List<String> services = type == RunbookType.FULL
        ? entry != null ? entry.services() : defaults.environments().get(target) : null;
    String broken = type == RunbookType.FULL ? first(s.brokenService(), entry == null ? null : entry.brokenService()) : null;
    Duration sla = s.sla() != null ? duration("sla", s.sla()) : entry != null ? entry.sla()
        : defaults.slas().forRun(type, type == RunbookType.FULL ? services : List.of(target)).orElse(null);
    return new DrillRequest(type, target, services, broken,
        first(s.badVersion(), entry == null ? null : entry.badVersion()),
        s.detection() != null ? detection(s.detection()) : entry == null ? null : entry.detection(),
        s.limit() != null ? duration("limit", s.limit()) : entry == null ? null : entry.detectionLimit(),
        sla,
        first(s.approver(), entry == null ? null : entry.approver()),
        person, tag);
  }

  private static RunbookType runbook(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "emergency" -> RunbookType.EMERGENCY;
      case "full" -> RunbookType.FULL;
      default -> throw new RunbookException.InvalidRequest("runbook '" + Validation.printable(t) + "' cannot be"
          + " drilled: use emergency (a service) or full (an environment)");
    };
  }

  private static DrillDetection detection(String text) {
    try {
      return DrillDetection.parse(text);
    } catch (IllegalArgumentException e) {
      throw new RunbookException.InvalidRequest(e.getMessage());
    }
  }

  private static Duration duration(String field, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new RunbookException.InvalidRequest(field + " '" + Validation.printable(text) + "' is not a duration:"
          + " write it like 5m or 1h30m");
    }
  }

  private static String first(String given, String configured) {
    return given != null ? given : configured;
  }

  /** The open drill of this target, if one runs ({@code drill-<target>-<tag>}, exactly). */
  private Optional<String> openDrill(String target) {
    Pattern mine = Pattern.compile(Pattern.quote(WorkflowIds.DRILL_PREFIX + target + "-") + "[0-9a-f]{8}");
    return OpenExecutions.first(runbooks.temporal(), mine.asMatchPredicate());
  }

  private boolean isRunning(String workflowId) {
    WorkflowClient client = runbooks.temporal();
    try {
      return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
              .build())
          .getWorkflowExecutionInfo().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
