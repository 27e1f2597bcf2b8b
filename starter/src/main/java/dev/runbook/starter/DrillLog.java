package dev.runbook.starter;

import dev.runbook.workflows.model.DrillLogEntry;
import java.util.List;
import java.util.Optional;

/**
 * The drills the rollback log keeps, as the CLI and the API read them. The worker's composition
 * root backs it with the PostgreSQL audit store.
 */
public interface DrillLog {
  /**
   * Newest first.
   *
   * @param target only drills of this staging target, or null for all
   */
  List<DrillLogEntry> recent(int limit, String target);

  /** One drill by its ID (drill-TARGET-TAG), whether it has ended or not. */
  Optional<DrillLogEntry> find(String workflowId);
}
