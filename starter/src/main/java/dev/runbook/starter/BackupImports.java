package dev.runbook.starter;

import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;

/**
 * Importing dump files people already have as backups, as the CLI and the API reach it: through
 * the API with the person's token (the CLI), or by starting the import on the workers (the API).
 */
public interface BackupImports {
  /**
   * Imports {@code file}, a path the workers can read, as a backup of {@code database}, and waits
   * until it is imported (a large dump takes as long as reading it twice).
   *
   * @param person who imports it, and so asserts that it holds that database
   * @return the backup; {@code reused} when this file was imported for this database before
   */
  ImportResult importBackup(String database, String file, String person);
}
