package dev.runbook.workflows.model;

import dev.runbook.workflows.policy.Durations;
import java.time.Duration;
import java.util.List;

/**
 * What a drill found: how long monitoring took to see the break, how long the real runbook took
 * to roll it back, against the SLA, and whether people had to step in.
 *
 * @param outcome how the drill ended
 * @param message one sentence for people
 * @param brokenWith the known-bad version the drill deployed, or how else it broke the target
 * @param before the version that ran before the drill, which the drill put back
 * @param restored true when the target runs {@code before} again
 * @param detectedBy the signal that saw the break; null when it never did
 * @param timeToDetect from the break deployed to the signal seeing it; null when it never did
 * @param rollbackWorkflowId the runbook's run; null when the drill did not start one
 * @param rollbackOutcome how the runbook ended; null when the drill did not start one
 * @param timeToRollBack from the runbook's start to its end; null when it did not run
 * @param steps the runbook's steps with their times
 * @param sla what the rollback was measured against
 * @param slaMet true when the rollback succeeded within the SLA
 * @param slaDifference how much under the SLA (met) or over it (missed) the rollback took
 * @param approval how the runbook's approval was answered
 * @param manualInterventions votes, decisions and cancellations by people, the drill approver's
 *     vote not counted
 * @param detectionLimit how long the drill waited for its signal at most
 * @param breakWith how the drill broke its target; null in reports from before there was a choice
 * @param breakDetail what a configuration or command break wrote or ran (names, never values)
 * @param alert detection by alert: the alert that came
 * @param cancelledBy who cancelled the drill, and why
 * @param failure what ended the drill early: a break that did not take, a step that failed
 */
public record DrillReport(
    String workflowId,
    String target,
    DrillOutcome outcome,
    String message,
    String brokenWith,
    String before,
    boolean restored,
    DrillDetection detectedBy,
    Duration timeToDetect,
    String rollbackWorkflowId,
    Phase rollbackOutcome,
    Duration timeToRollBack,
    List<StepTime> steps,
    Duration sla,
    boolean slaMet,
    Duration slaDifference,
    String approval,
    int manualInterventions,
    Duration detectionLimit,
    DrillBreak breakWith,
    String breakDetail,
    String alert,
    String cancelledBy,
    String failure) {

  /** The verdict in a few words: "SLA met: rolled back in 1m20s of 10m", "SLA missed by 3m". */
  public String verdict() {
    return switch (outcome) {
      case CANCELLED -> "cancelled by " + cancelledBy;
      case FAILED -> "drill failed: " + failure;
      case NOT_DETECTED -> "not detected within " + Durations.human(detectionLimit);
      case ROLLBACK_FAILED -> "rollback failed" + (rollbackOutcome == null ? "" : " (" + rollbackOutcome.label() + ")");
      case ROLLED_BACK -> slaMet
          ? "SLA met: rolled back in " + Durations.human(timeToRollBack) + " of " + Durations.human(sla)
          : "SLA MISSED by " + Durations.human(slaDifference) + ": rolled back in " + Durations.human(timeToRollBack)
              + " of " + Durations.human(sla);
    };
  }

  /** The figures, one per line, as the report message and `runbook drills RUN` show them. */
  public String figures() {
    StringBuilder b = new StringBuilder();
    line(b, "Broken with", brokenWith + (breakDetail == null ? "" : ": " + breakDetail)
        + (before == null ? "" : " (ran " + before + ")"));
    line(b, "Detected", timeToDetect == null ? "no" : "after " + Durations.human(timeToDetect) + " by the "
        + detectedBy.label() + (alert == null ? "" : " " + alert) + ", a monitoring signal");
    line(b, "Rollback", rollbackWorkflowId == null ? "not started"
        : rollbackWorkflowId + ", " + (rollbackOutcome == null ? "did not end" : rollbackOutcome.label())
            + (timeToRollBack == null ? "" : " in " + Durations.human(timeToRollBack)));
    for (StepTime s : steps) {
      b.append("  ").append(s.title()).append(": ").append(Durations.human(s.took()))
          .append(s.state() == StepState.SUCCEEDED ? "" : " (" + s.state().name().toLowerCase(java.util.Locale.ROOT) + ")")
          .append('\n');
    }
    line(b, "SLA", Durations.human(sla) + (timeToRollBack == null || outcome != DrillOutcome.ROLLED_BACK ? ""
        : slaMet ? ", met with " + Durations.human(slaDifference) + " to spare" : ", missed by " + Durations.human(slaDifference)));
    line(b, "Approval", approval);
    line(b, "Manual interventions", Integer.toString(manualInterventions));
    line(b, "Staging restored", restored ? "yes, to " + before : "NO: put it back by hand");
    return b.toString().stripTrailing();
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append(label).append(": ").append(value).append('\n');
  }

  /** How a drill ended. */
  public enum DrillOutcome {
    /** Detected, rolled back by the runbook, restored; the SLA says met or missed. */
    ROLLED_BACK,
    /** The signal never said broken within the detection limit; the target was restored. */
    NOT_DETECTED,
    /** The runbook did not succeed; the target was restored. */
    ROLLBACK_FAILED,
    /** A person cancelled the drill; the target was restored. */
    CANCELLED,
    /** The break did not take, or a step of the drill failed; the target was restored. */
    FAILED
  }

  /** One step of the runbook and how long it took. */
  public record StepTime(String id, String title, StepState state, Duration took) {}
}
