package dev.runbook.starter;

import dev.runbook.workflows.model.IncidentReport;
import java.util.Optional;

/**
 * Incident reports as the CLI and the API read them. The worker's composition root builds them
 * from the rollback log in PostgreSQL; the API server adds a run's live status while it goes on.
 */
public interface IncidentReports {
  /** For a server without a rollback log: every report is unavailable, none is invented. */
  IncidentReports UNAVAILABLE = workflowId -> {
    throw new IllegalStateException("this server has no rollback log to build incident reports from");
  };

  /** The report of the newest run with this workflow ID, or empty when the rollback log has none. */
  Optional<IncidentReport> incidentReport(String workflowId);
}
