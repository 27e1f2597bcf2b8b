package dev.runbook.workflows.activities;

import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillRequest;
import io.temporal.activity.ActivityInterface;
import java.time.Instant;

/** The drills table in PostgreSQL: what `runbook drills` lists and its trend is read from. */
@ActivityInterface(namePrefix = "Drill")
public interface DrillActivities {
  /**
   * Writes the drill's row before it breaks anything. A row already there (a retry) is left as it
   * is.
   *
   * @param workflowId the drill's ID, {@code drill-<target>-<tag>}
   * @param rollbackWorkflowId the ID the runbook takes if the drill gets that far (a real rollback
   *     of the target takes the same); the report replaces it with the run really started, or none
   */
  void started(String workflowId, DrillRequest request, String rollbackWorkflowId, Instant startedAt);

  /**
   * Writes the report to the drill's row. A row that has a report already (a retry) is left as
   * it is, and metrics count the drill once.
   */
  void finished(DrillReport report, Instant finishedAt);
}
