package dev.runbook.workflows;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.DrillActivities;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.DrillAlert;
import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillReport.DrillOutcome;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.FullRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.policy.Durations;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
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

  private final DrillActivities drills = Workflow.newActivityStub(DrillActivities.class, ActivityCatalog.AUDIT);
  private final NotifyActivities notify = Workflow.newActivityStub(NotifyActivities.class, ActivityCatalog.NOTIFY);

  /** Drills since this change report a cancel, a failed break or a failed step instead of ending without a report. */
  static final String REPORTS_EVERY_END = "drill-reports-every-end";

  private String progress = "starting";
  private DrillRequest request;
  private DrillFindings found;
  private DrillStaging staging;
  /** Break, detect and roll back: what a cancel stops. Null before it starts and in drills before {@link #REPORTS_EVERY_END}. */
  private CancellationScope main;
  private boolean detecting;
  private boolean finishing;
  private Promise<RunReport> rollbackResult;

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
    this.request = request;
    String id = Workflow.getInfo().getWorkflowId();
    found = new DrillFindings(id, request);
    staging = new DrillStaging(request, found);
    boolean reportsEveryEnd = Workflow.getVersion(REPORTS_EVERY_END, Workflow.DEFAULT_VERSION, 1) == 1;
    // The row first; the workers refuse here a target of kind production, or one they do not run.
    try {
      drills.started(id, request, request.rollbackWorkflowId(), Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    } catch (ActivityFailure f) {
      throw ApplicationFailure.newNonRetryableFailure(
          f.getCause() == null ? f.getMessage() : f.getCause().getMessage(), FailureType.INVALID_INPUT.name());
    }

    if (reportsEveryEnd) {
      main = Workflow.newCancellationScope(() -> breakDetectRollBack());
      try {
        main.run();
      } catch (CanceledFailure c) {
        // A cancel (ours, or Temporal's without a person): staging is put back and the drill reports below.
        if (found.cancelledBy == null) {
          found.cancelledBy = "a Temporal cancel request";
        }
      } catch (ActivityFailure f) {
        found.failure = (detecting ? "reading the " + request.detection().label() : progress) + " failed: "
            + (f.getCause() == null ? f.getMessage() : f.getCause().getMessage());
      }
      finishing = true;
      Workflow.newDetachedCancellationScope(() -> {
        awaitRollback();
        restore(true);
      }).run();
    } else {
      try {
        breakDetectRollBack();
      } finally {
        Workflow.newDetachedCancellationScope(() -> restore(false)).run();
      }
    }

    // (6) report: to the team, then to the drills table.
    DrillReport report = found.report(outcome());
    Workflow.newDetachedCancellationScope(() -> {
      tellTheTeam(id, report, reportsEveryEnd);
      drills.finished(report, Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    }).run();
    progress = "reported: " + report.verdict();
    return report;
  }

  /**
   * The report to the team (or the drill's channels). Since {@link #REPORTS_EVERY_END}, a message
   * that cannot be sent does not keep the report out of the drills table.
   */
  private void tellTheTeam(String id, DrillReport report, boolean reportsEveryEnd) {
    try {
      notify.send(new Notification(id + "/report", NotificationKind.DRILL_REPORT, Audience.TEAM, null, id,
          request.runbook(), null, List.of(request.target()), report.message(), request.requestedBy(), null,
          report.verdict() + "\n" + report.figures(), report.timeToRollBack(), request.sla(), false, null, null,
          request.tell()));
    } catch (ActivityFailure f) {
      if (!reportsEveryEnd) {
        throw f;
      }
      log.warn("drill {}: its report could not be sent: {}", id, f.getCause() == null ? f.getMessage()
          : f.getCause().getMessage());
    }
  }

  private DrillOutcome outcome() {
    if (found.cancelledBy != null) {
      return DrillOutcome.CANCELLED;
    }
    if (found.failure != null) {
      return DrillOutcome.FAILED;
    }
    if (found.timeToDetect == null) {
      return DrillOutcome.NOT_DETECTED;
    }
    return found.rollback != null && found.rollback.outcome() == Phase.SUCCEEDED
        ? DrillOutcome.ROLLED_BACK
        : DrillOutcome.ROLLBACK_FAILED;
  }

  /** (1) break, (2) detect, (3) roll back and (4) verify with the runbook's own steps. */
  private void breakDetectRollBack() {
    String broken = request.broken();
    progress = "breaking " + broken + " with " + request.brokenWith();
    staging.remember();
    if (!staging.breakIt(broken)) {
      return;
    }
    long brokenAt = Workflow.currentTimeMillis();
    log.info("drill {}: {} broken with {} (ran {})", found.workflowId, broken, request.brokenWith(), found.before);

    progress = "waiting for the " + request.detection().label() + " to see the break (limit "
        + Durations.human(request.detectionLimit()) + ")";
    detecting = true;
    Long detectedAt = new DrillDetector().await(broken, request.detection(), brokenAt, request.detectionLimit(),
        () -> found.alert != null);
    detecting = false;
    if (detectedAt != null) {
      found.timeToDetect = Duration.ofMillis(detectedAt - brokenAt);
      rollBack();
    }
  }

  /** (5) Staging back as it was before the drill. */
  private void restore(boolean reportsFailures) {
    progress = "restoring " + String.join(", ", request.restored());
    staging.restore(reportsFailures);
  }

  /** The runbook's run, when it was started and a cancel left it finishing: its end is waited for before staging is touched. */
  private void awaitRollback() {
    if (rollbackResult == null || rollbackResult.isCompleted()) {
      return;
    }
    progress = "waiting for " + found.rollbackWorkflowId + " to stop";
    try {
      found.rollback = rollbackResult.get();
    } catch (RuntimeException e) {
      log.info("drill {}: the runbook {} ended: {}", found.workflowId, found.rollbackWorkflowId, e.getMessage());
    }
  }

  private void rollBack() {
    String reason = DrillRequest.REASON_PREFIX + found.workflowId + ": " + request.brokenWith() + " deployed on purpose to "
        + request.broken() + ", " + request.detection().label() + " saw it after " + Durations.human(found.timeToDetect);
    if (request.breaking() != DrillBreak.VERSION) {
      reason = DrillRequest.REASON_PREFIX + found.workflowId + ": " + request.broken() + " broken on purpose with "
          + request.brokenWith() + ", " + request.detection().label() + " saw it after "
          + Durations.human(found.timeToDetect);
    }
    ChildWorkflowOptions.Builder options = ChildWorkflowOptions.newBuilder()
        .setStaticSummary("rollback drill " + found.workflowId + " of " + request.target());
    Promise<WorkflowExecution> execution;
    if (request.runbook() == RunbookType.FULL) {
      FullRollbackRequest full = new FullRollbackRequest(request.target(), request.services(), List.of(),
          request.severity(), reason, request.requestedBy(), false, null, null, null, null);
      found.rollbackWorkflowId = full.workflowId();
      progress = "rolling back: " + full.workflowId();
      FullRollbackWorkflow child = Workflow.newChildWorkflowStub(
          FullRollbackWorkflow.class, options.setWorkflowId(full.workflowId()).build());
      rollbackResult = Async.function(child::rollback, full).thenApply(FullRollbackResult::report);
      execution = Workflow.getWorkflowExecution(child);
    } else {
      EmergencyRollbackRequest one = new EmergencyRollbackRequest(
          request.target(), request.severity(), reason, request.requestedBy(), false, null, null, false, null, null,
          // The drill's clock stops when the runbook has verified; the watch after it is not rehearsed.
          Duration.ZERO, null, false, null, null,
          // A configuration break is rolled back as configuration: the last known good one, the version as it is.
          request.breaking() == DrillBreak.CONFIG, false);
      found.rollbackWorkflowId = one.workflowId();
      progress = "rolling back: " + one.workflowId();
      EmergencyRollbackWorkflow child = Workflow.newChildWorkflowStub(
          EmergencyRollbackWorkflow.class, options.setWorkflowId(one.workflowId()).build());
      rollbackResult = Async.function(child::rollback, one).thenApply(EmergencyRollbackResult::report);
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
        if (!rollbackResult.isCompleted()) {
          Workflow.newExternalWorkflowStub(RunbookControl.class, found.rollbackWorkflowId)
              .approveSignal(new Vote(request.approver(), "drill approver for " + found.workflowId));
        }
      }
      found.rollback = rollbackResult.get();
    } catch (ChildWorkflowFailure f) {
      log.warn("drill {}: the runbook {} failed: {}", found.workflowId, found.rollbackWorkflowId, f.getMessage());
      found.rollbackFailure = !running
          ? "it could not start: a rollback of " + request.target() + " already runs as " + found.rollbackWorkflowId
          : f.getCause() == null ? f.getMessage() : f.getCause().getMessage();
    } finally {
      found.timeToRollBack = Duration.ofMillis(Workflow.currentTimeMillis() - started);
    }
  }

  // ---------------------------------------------------------------- cancel and alert

  @Override
  public void validateCancel(CancelRequest c) {
    if (c == null || c.person() == null || c.person().isBlank()) {
      refuse(RefusalKind.INVALID, "a cancel must name the person: pass --as NAME");
    }
    if (found != null && found.cancelledBy != null) {
      refuse(RefusalKind.DUPLICATE_VOTE, "the drill is already being cancelled by " + found.cancelledBy);
    }
    if (main == null || finishing) {
      refuse(RefusalKind.NOT_WAITING, "the drill is " + progress + ": there is nothing left to cancel");
    }
  }

  @Override
  public Receipt cancel(CancelRequest c) {
    String id = Workflow.getInfo().getWorkflowId();
    if (found.cancelledBy != null || main == null || finishing) {
      return new Receipt(id, null, "nothing to cancel");
    }
    found.cancelledBy = c.person();
    found.cancelReason = c.reason();
    log.info("drill {}: cancelled by {} ({})", id, c.person(), c.reason());
    main.cancel("cancelled by " + c.person());
    return new Receipt(id, Phase.CANCELLED, "cancelling: " + (found.rollbackWorkflowId == null ? ""
        : "the runbook " + found.rollbackWorkflowId + " is cancelled with it, ") + "staging is put back as it was and"
        + " the drill reports as cancelled by " + c.person());
  }

  @Override
  public void validateAlert(DrillAlert alert) {
    if (alert == null) {
      refuse(RefusalKind.INVALID, "the alert is empty");
    }
    if (request == null || request.detection() != DrillDetection.ALERT) {
      refuse(RefusalKind.NOT_WAITING, "the drill detects its break by the "
          + (request == null ? "signal it was given" : request.detection().label()) + ", not by an alert");
    }
    if (!alert.matches(request.alertMatch())) {
      refuse(RefusalKind.NOT_WAITING, "the alert does not carry the drill's labels " + request.alertMatch());
    }
    if (!detecting || found.alert != null) {
      refuse(RefusalKind.NOT_WAITING, found.alert != null ? "the drill has its alert already: " + found.alert.describe()
          : "the drill is not waiting for detection: it is " + progress);
    }
  }

  @Override
  public Receipt alert(DrillAlert alert) {
    String id = Workflow.getInfo().getWorkflowId();
    if (!detecting || found.alert != null) {
      return new Receipt(id, null, "the drill is not waiting for detection: it is " + progress);
    }
    found.alert = alert;
    log.info("drill {}: detected by alert {}", id, alert.describe());
    return new Receipt(id, Phase.EXECUTING, "the drill's break is detected by " + alert.describe()
        + ": the runbook starts now");
  }

  private static void refuse(RefusalKind kind, String message) {
    throw ApplicationFailure.newNonRetryableFailure(kind.message(message), kind.name());
  }
}
