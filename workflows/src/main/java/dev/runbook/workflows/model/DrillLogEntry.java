package dev.runbook.workflows.model;

import java.time.Duration;
import java.time.Instant;

/**
 * One drill as the drills table keeps it (newest first in listings): what was rehearsed, on which
 * staging target, and its figures once it ended.
 *
 * @param outcome rolled-back, not-detected or rollback-failed; null while the drill goes on
 * @param report the whole report once it ended, per-step times included; null before
 * @param breakWith how it broke its target: version, config or command
 */
public record DrillLogEntry(
    String workflowId,
    String runbook,
    String target,
    String requestedBy,
    String approver,
    String badVersion,
    String detection,
    Instant startedAt,
    Instant finishedAt,
    String outcome,
    String message,
    String rollbackWorkflowId,
    Duration timeToDetect,
    Duration timeToRollBack,
    Duration sla,
    Boolean slaMet,
    Duration slaDifference,
    Boolean restored,
    String approval,
    Integer manualInterventions,
    DrillReport report,
    String breakWith) {

  /** An entry that does not say how it broke its target (its report may). */
  public DrillLogEntry(String workflowId, String runbook, String target, String requestedBy, String approver,
      String badVersion, String detection, Instant startedAt, Instant finishedAt, String outcome, String message,
      String rollbackWorkflowId, Duration timeToDetect, Duration timeToRollBack, Duration sla, Boolean slaMet,
      Duration slaDifference, Boolean restored, String approval, Integer manualInterventions, DrillReport report) {
    this(workflowId, runbook, target, requestedBy, approver, badVersion, detection, startedAt, finishedAt, outcome,
        message, rollbackWorkflowId, timeToDetect, timeToRollBack, sla, slaMet, slaDifference, restored, approval,
        manualInterventions, report, null);
  }
}
