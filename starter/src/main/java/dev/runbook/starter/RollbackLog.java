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
   */
  List<RollbackLogEntry> recent(int limit, String service, boolean openOnly);
}
