package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * What a run that ended tells its checklist: ids and facts only. The checklist loads its items
 * from the worker's configuration; no secret and no check's settings travel here.
 *
 * @param runWorkflowId the run the checklist follows
 * @param outcome how the run ended (its terminal phase)
 * @param endedAt when the run ended (workflow time); every deadline counts from here
 * @param escalation the escalation path of the run's policy at its severity (may be empty)
 * @param runRunId the run's Temporal run ID: with {@code runWorkflowId} it names this one run
 *     (its status page incident, its incident report), since the ID names every run in turn
 */
public record ChecklistRequest(
    String runWorkflowId,
    RunbookType runbook,
    Phase outcome,
    List<String> services,
    Instant endedAt,
    Severity severity,
    List<String> escalation,
    String incidentId,
    String reason,
    String requestedBy,
    String runRunId) {
  public ChecklistRequest {
    services = services == null ? List.of() : List.copyOf(services);
    escalation = escalation == null ? List.of() : List.copyOf(escalation);
  }

  /** A request without the run's Temporal run ID (as tests and older runs give it). */
  public ChecklistRequest(String runWorkflowId, RunbookType runbook, Phase outcome, List<String> services,
      Instant endedAt, Severity severity, List<String> escalation, String incidentId, String reason,
      String requestedBy) {
    this(runWorkflowId, runbook, outcome, services, endedAt, severity, escalation, incidentId, reason,
        requestedBy, null);
  }
}
