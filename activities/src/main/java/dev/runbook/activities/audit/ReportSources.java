package dev.runbook.activities.audit;

import dev.runbook.workflows.model.IncidentReport;
import java.util.Optional;

/**
 * What the incident report reads beyond the rollback log's own tables. The post-rollback
 * checklist keeps its own records; until a source for them is wired in, a report says "no
 * checklist recorded" ({@link #NONE}), which is the truth for a log that has none.
 */
public interface ReportSources {
  /** No checklist is recorded for any run. */
  ReportSources NONE = (workflowId, runId) -> Optional.empty();

  /** The checklist of the run, as recorded, or empty when none is. */
  Optional<IncidentReport.Checklist> checklist(String workflowId, String runId);
}
