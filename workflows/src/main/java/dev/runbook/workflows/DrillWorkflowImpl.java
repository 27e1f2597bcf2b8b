package dev.runbook.workflows;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.DrillActivities;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.activities.ServiceActivities;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillReport.DrillOutcome;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.FullRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.policy.Durations;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;

/**
 * A rollback drill (RachelFoods' monthly drill, VITAL's "practice rollbacks in staging"): break
 * a staging service by deploying a known-bad version, wait until the configured signal sees it,
 * run the real runbook (emergency for the service, full for its environment) as a child run with
 * the request a person would send, put every service back on the version it ran before, and
 * report the times against the SLA.
 *
 * <p>The drill does not go through the engine: its steps wrap a runbook that already journals,
 * asks for approval and writes the rollback log itself, and a second set of those for the drill
 * would count the drill as an incident. Its own activities are the runbooks' idempotent ones: a
 * read of the version, health and error-rate readings, and deploys keyed by the drill's ID.
 *
 * <p>With a named drill approver the runbook runs at P1 and the drill votes for it through the
 * runbook's approve signal once the runbook has had {@link #APPROVER_AFTER} to reach its approval
 * step (a signal, since a workflow cannot send another an update; a vote that comes too early is
 * refused and recorded by the runbook, which then waits for a person like a real run). Without
 * one it runs at P0, which the policy lets go without approval.
 */
public class DrillWorkflowImpl implements DrillWorkflow {
  private static final Logger log = Workflow.getLogger(DrillWorkflowImpl.class);

  /** How long after the runbook starts the drill approver votes. */
  static final Duration APPROVER_AFTER = Duration.ofSeconds(10);

  private final ServiceActivities quick = Workflow.newActivityStub(ServiceActivities.class, ActivityCatalog.QUICK);
  private final ServiceActivities deploys =
      Workflow.newActivityStub(ServiceActivities.class, ActivityCatalog.SERVICE);
  private final DrillActivities drills = Workflow.newActivityStub(DrillActivities.class, ActivityCatalog.AUDIT);
  private final NotifyActivities notify = Workflow.newActivityStub(NotifyActivities.class, ActivityCatalog.NOTIFY);

  private String progress = "starting";

  @Override
  public String progress() {
    return progress;
  }

  @Override
  public DrillReport drill(DrillRequest request) {
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      // Before anything is touched; an ApplicationFailure ends the run instead of retrying its task.
      throw ApplicationFailure.newNonRetryableFailure(
          "invalid drill request: " + String.join("; ", problems), FailureType.INVALID_INPUT.name());
    }
    String id = Workflow.getInfo().getWorkflowId();
    DrillFindings found = new DrillFindings(id, request);
    // The row first; the workers refuse here a target of kind production, or one they do not run.
    try {
      drills.started(id, request, request.rollbackWorkflowId(), Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    } catch (ActivityFailure f) {
      throw ApplicationFailure.newNonRetryableFailure(
          f.getCause() == null ? f.getMessage() : f.getCause().getMessage(), FailureType.INVALID_INPUT.name());
    }

    // (1) break: remember what ran, then deploy the known-bad version.
    String broken = request.broken();
    progress = "breaking " + broken + " with " + request.badVersion();
    for (String service : request.restored()) {
      found.versionsBefore.put(service, quick.captureEvidence(new ServiceQuery(service, false)).currentVersion());
    }
    found.before = found.versionsBefore.get(broken);
    Long detectedAt;
    try {
      deploys.deploy(new DeployRequest(broken, request.badVersion(), id + "-break", false));
      long brokenAt = Workflow.currentTimeMillis();
      log.info("drill {}: {} broken with {} (ran {})", id, broken, request.badVersion(), found.before);

      // (2) detect.
      progress = "waiting for the " + request.detection().label() + " to see the break (limit "
          + Durations.human(request.detectionLimit()) + ")";
      detectedAt = new DrillDetector().await(broken, request.detection(), brokenAt, request.detectionLimit());
      if (detectedAt != null) {
        found.timeToDetect = Duration.ofMillis(detectedAt - brokenAt);
        // (3) roll back and (4) verify: the runbook's own steps.
        rollBack(request, found);
      }
    } finally {
      // (5) restore, whatever happened before: also when a step failed for good or the drill was
      // cancelled (a detached scope runs on after a cancellation), since staging must not stay broken.
      Workflow.newDetachedCancellationScope(() -> restore(request, found)).run();
    }

    // (6) report: to the team, then to the drills table.
    DrillReport report = found.report(detectedAt == null
        ? DrillOutcome.NOT_DETECTED
        : found.rollback != null && found.rollback.outcome() == Phase.SUCCEEDED
            ? DrillOutcome.ROLLED_BACK
            : DrillOutcome.ROLLBACK_FAILED);
    Workflow.newDetachedCancellationScope(() -> {
      notify.send(new Notification(id + "/report", NotificationKind.DRILL_REPORT, Audience.TEAM, null, id,
          request.runbook(), null, List.of(request.target()), report.message(), request.requestedBy(), null,
          report.verdict() + "\n" + report.figures(), report.timeToRollBack(), request.sla(), false, null));
      drills.finished(report, Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    }).run();
    progress = "reported: " + report.verdict();
    return report;
  }

  /** Every service back on the version it ran before the drill, in start order. */
  private void restore(DrillRequest request, DrillFindings found) {
    progress = "restoring " + String.join(", ", request.restored());
    boolean one = request.restored().size() == 1;
    boolean all = true;
    for (String service : request.restored()) {
      String version = found.versionsBefore.get(service);
      if (version == null) {
        // Its adapter could not say what ran: nothing to put back, and the report says so.
        all = false;
        continue;
      }
      deploys.deploy(new DeployRequest(service, version, found.workflowId + "-restore" + (one ? "" : "-" + service),
          false));
    }
    for (String service : request.restored()) {
      all &= java.util.Objects.equals(found.versionsBefore.get(service),
          quick.captureEvidence(new ServiceQuery(service, false)).currentVersion());
    }
    found.restored = all;
  }

  private void rollBack(DrillRequest request, DrillFindings found) {
    String reason = DrillRequest.REASON_PREFIX + found.workflowId + ": " + request.badVersion() + " deployed on purpose to "
        + request.broken() + ", " + request.detection().label() + " saw it after " + Durations.human(found.timeToDetect);
    ChildWorkflowOptions.Builder options = ChildWorkflowOptions.newBuilder()
        .setStaticSummary("rollback drill " + found.workflowId + " of " + request.target());
    Promise<RunReport> result;
    Promise<WorkflowExecution> execution;
    if (request.runbook() == RunbookType.FULL) {
      FullRollbackRequest full = new FullRollbackRequest(request.target(), request.services(), List.of(),
          request.severity(), reason, request.requestedBy(), false, null, null, null, null);
      found.rollbackWorkflowId = full.workflowId();
      progress = "rolling back: " + full.workflowId();
      FullRollbackWorkflow child = Workflow.newChildWorkflowStub(
          FullRollbackWorkflow.class, options.setWorkflowId(full.workflowId()).build());
      result = Async.function(child::rollback, full).thenApply(FullRollbackResult::report);
      execution = Workflow.getWorkflowExecution(child);
    } else {
      EmergencyRollbackRequest one = new EmergencyRollbackRequest(
          request.target(), request.severity(), reason, request.requestedBy(), false, null, null, false, null, null,
          // The drill's clock stops when the runbook has verified; the watch after it is not rehearsed.
          Duration.ZERO, null);
      found.rollbackWorkflowId = one.workflowId();
      progress = "rolling back: " + one.workflowId();
      EmergencyRollbackWorkflow child = Workflow.newChildWorkflowStub(
          EmergencyRollbackWorkflow.class, options.setWorkflowId(one.workflowId()).build());
      result = Async.function(child::rollback, one).thenApply(EmergencyRollbackResult::report);
      execution = Workflow.getWorkflowExecution(child);
    }
    long started = Workflow.currentTimeMillis();
    boolean running = false;
    try {
      // Fails when the runbook cannot start: a rollback of the target already runs under its ID.
      execution.get();
      running = true;
      if (request.approver() != null) {
        Workflow.sleep(APPROVER_AFTER);
        if (!result.isCompleted()) {
          Workflow.newExternalWorkflowStub(RunbookControl.class, found.rollbackWorkflowId)
              .approveSignal(new Vote(request.approver(), "drill approver for " + found.workflowId));
        }
      }
      found.rollback = result.get();
    } catch (ChildWorkflowFailure f) {
      log.warn("drill {}: the runbook {} failed: {}", found.workflowId, found.rollbackWorkflowId, f.getMessage());
      found.rollbackFailure = !running
          ? "it could not start: a rollback of " + request.target() + " already runs as " + found.rollbackWorkflowId
          : f.getCause() == null ? f.getMessage() : f.getCause().getMessage();
    }
    found.timeToRollBack = Duration.ofMillis(Workflow.currentTimeMillis() - started);
  }
}
