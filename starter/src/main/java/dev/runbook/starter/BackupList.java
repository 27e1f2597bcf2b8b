package dev.runbook.starter;

import dev.runbook.workflows.model.BackupRecord;
import java.util.List;

/**
 * The backups recorded in the rollback log, as the CLI and the API read them (newest first). The
 * worker's composition root backs it with the catalog the backup activity writes.
 */
public interface BackupList {
  /** @param database only this configured database's backups, or null for all */
  List<BackupRecord> recent(String database, int limit);
}
