package dev.runbook.workflows;

import dev.runbook.workflows.model.ActionRecord;
import dev.runbook.workflows.model.DrillAlert;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillReport.DrillOutcome;
import dev.runbook.workflows.model.DrillReport.StepTime;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.policy.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a drill has found so far, and the report it makes of it. Plain computation, no workflow calls. */
final class DrillFindings {
  /** Actions in a runbook's report that a run records of itself, not of a person. */
  static final String RUNBOOK_ACTOR = "runbook";

  final String workflowId;
  final DrillRequest request;
  /** What each service the drill restores ran before it, in start order. */
  final Map<String, String> versionsBefore = new LinkedHashMap<>();
  /** What the broken service ran before. */
  String before;
  boolean restored;
  Duration timeToDetect;
  String rollbackWorkflowId;
  RunReport rollback;
  String rollbackFailure;
  Duration timeToRollBack;
  /** What ended the drill early: a break that did not take, a step that failed; null otherwise. */
  String failure;
  String cancelledBy;
  String cancelReason;
  /** A configuration break: the snapshot of what the service read before it, written back on restore. */
  String configBefore;
  /** What the configuration or command break wrote or ran, by name. */
  String breakDetail;
  /** What failed while staging was put back; null when nothing did. */
  String restoreFailure;
  /** A command break was started: its undo runs on restore. */
  boolean breakTried;
  /** A command break: the version it left the service on. */
  String brokenVersion;
  /** Detection by alert: the alert that came. */
  DrillAlert alert;

  DrillFindings(String workflowId, DrillRequest request) {
    this.workflowId = workflowId;
    this.request = request;
  }

  DrillReport report(DrillOutcome outcome) {
    RunReport run = rollback;
    boolean met = outcome == DrillOutcome.ROLLED_BACK && timeToRollBack.compareTo(request.sla()) <= 0;
    Duration difference = timeToRollBack == null ? null : timeToRollBack.minus(request.sla()).abs();
    return new DrillReport(
        workflowId,
        request.target(),
        outcome,
        message(outcome, met, difference),
        request.brokenWith(),
        before,
        restored,
        timeToDetect == null ? null : request.detection(),
        timeToDetect,
        rollbackWorkflowId,
        run == null ? null : run.outcome(),
        timeToRollBack,
        run == null ? List.of() : steps(run),
        request.sla(),
        met,
        difference,
        approval(),
        (cancelledBy == null ? 0 : 1) + (run == null ? 0 : interventions(run)),
        request.detectionLimit(),
        request.breaking(),
        breakDetail,
        alert == null ? null : alert.describe(),
        cancelledBy == null ? null : cancelledBy + (cancelReason == null || cancelReason.isBlank() ? "" : ": " + cancelReason),
        failure);
  }

  private String message(DrillOutcome outcome, boolean met, Duration difference) {
    String versions = versionsBefore.size() == 1 ? before : versionsBefore.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ", "(", ")"));
    String restore = restored
        ? request.target() + " restored to " + versions
        : request.target() + " NOT restored to " + versions
            + (restoreFailure == null ? "" : " (" + restoreFailure + ")") + ": put it back by hand";
    return switch (outcome) {
      case CANCELLED -> "drill of " + request.target() + " cancelled by " + cancelledBy
          + (cancelReason == null || cancelReason.isBlank() ? "" : " (" + cancelReason + ")") + "; " + restore;
      case FAILED -> "drill of " + request.target() + " failed: " + failure + "; " + restore;
      case NOT_DETECTED -> "drill of " + request.target() + ": " + request.brokenWith()
          + (request.broken().equals(request.target()) ? "" : " on " + request.broken()) + " not detected within "
          + Durations.human(request.detectionLimit()) + " by the " + request.detection().label() + "; " + restore;
      case ROLLBACK_FAILED -> "drill of " + request.target() + ": detected by the "
          + request.detection().label() + " after " + Durations.human(timeToDetect) + ", but the rollback "
          + rollbackWorkflowId + " did not succeed"
          + (rollbackFailure == null ? "" : " (" + rollbackFailure + ")") + "; " + restore;
      case ROLLED_BACK -> "drill of " + request.target() + ": detected by the " + request.detection().label()
          + " after " + Durations.human(timeToDetect) + ", rolled back in " + Durations.human(timeToRollBack)
          + (met ? ", within SLA " : ", over SLA ") + Durations.human(request.sla())
          + (met ? " (" + Durations.human(difference) + " to spare)" : " by " + Durations.human(difference))
          + "; " + restore;
    };
  }

  /** Who answered the runbook's approval, as its report records the votes. */
  private String approval() {
    if (rollbackWorkflowId == null) {
      return "no rollback run";
    }
    if (request.approver() == null) {
      return "P0: no approval asked";
    }
    List<String> by = rollback == null ? List.of() : rollback.actions().stream()
        .filter(a -> a.action().equals("approved") || a.action().equals("rejected"))
        .map(a -> a.action() + " by " + (a.actor().equals(request.approver()) ? "the drill approver " : "")
            + a.actor())
        .toList();
    if (by.isEmpty()) {
      return "P1: no vote recorded";
    }
    String votes = String.join(", ", by);
    return by.stream().anyMatch(v -> v.contains("the drill approver"))
        ? "P1: " + votes
        : "P1: the drill approver " + request.approver() + "'s vote was refused; " + votes + ", like a real run";
  }

  private static List<StepTime> steps(RunReport run) {
    return run.steps().stream()
        .filter(s -> s.startedAt() != null && s.finishedAt() != null)
        .map(s -> new StepTime(s.id(), s.title(), s.state(), Duration.between(s.startedAt(), s.finishedAt())))
        .toList();
  }

  private int interventions(RunReport run) {
    int n = 0;
    for (ActionRecord a : run.actions()) {
      if (!RUNBOOK_ACTOR.equals(a.actor()) && !a.actor().equals(request.approver())) {
        n++;
      }
    }
    return n;
  }
}
