package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * One row of the rollback log, as the source runbooks kept it: date, service, from, to, reason,
 * duration, outcome; plus who asked and the run's IDs.
 *
 * @param outcome the terminal phase label, or null while the run is going
 * @param monitoring while the run is going: its rollback is applied and verified, and it only
 *     watches health now
 * @param sla how the run compared with its SLA once rolled back and verified ("within SLA (4m12s
 *     of 10m)"), or null (no SLA, a dry run, not that far yet, or a run from before SLAs)
 * @param drill the drill that started this run (drill-TARGET-TAG), or null for a real run: a drill
 *     is a rehearsal, never an incident
 */
public record RollbackLogEntry(
    String workflowId,
    String runId,
    String runbook,
    String severity,
    List<String> services,
    Instant startedAt,
    Instant finishedAt,
    String fromVersion,
    String toVersion,
    String reason,
    String requestedBy,
    String incidentId,
    boolean dryRun,
    Long durationMs,
    String outcome,
    String message,
    boolean monitoring,
    String sla,
    String drill) {

  public RollbackLogEntry(String workflowId, String runId, String runbook, String severity, List<String> services,
      Instant startedAt, Instant finishedAt, String fromVersion, String toVersion, String reason, String requestedBy,
      String incidentId, boolean dryRun, Long durationMs, String outcome, String message, boolean monitoring,
      String sla) {
    this(workflowId, runId, runbook, severity, services, startedAt, finishedAt, fromVersion, toVersion, reason,
        requestedBy, incidentId, dryRun, durationMs, outcome, message, monitoring, sla, null);
  }

  public RollbackLogEntry(String workflowId, String runId, String runbook, String severity, List<String> services,
      Instant startedAt, Instant finishedAt, String fromVersion, String toVersion, String reason, String requestedBy,
      String incidentId, boolean dryRun, Long durationMs, String outcome, String message, boolean monitoring) {
    this(workflowId, runId, runbook, severity, services, startedAt, finishedAt, fromVersion, toVersion, reason,
        requestedBy, incidentId, dryRun, durationMs, outcome, message, monitoring, null, null);
  }
}
