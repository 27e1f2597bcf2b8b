package dev.runbook.starter;

import dev.runbook.workflows.model.RollbackLogEntry;
import java.util.List;

/**
 * The rollback log as the CLI and the API read it (newest first). The worker's composition root
 * backs it with the PostgreSQL audit store.
 */
public interface RollbackLog {
  /**
   * @param service only runs that acted on this service, or null for all
   * @param openOnly only runs that have not finished
   * @param drills false to leave out the runs drills started (they rehearse, they are no incidents)
   */
  List<RollbackLogEntry> recent(int limit, String service, boolean openOnly, boolean drills);

  /** Every run, drills' runs included. */
  default List<RollbackLogEntry> recent(int limit, String service, boolean openOnly) {
    return recent(limit, service, openOnly, true);
  }
}
