package dev.runbook.workflows.model;

import java.time.Instant;

/**
 * One backup as {@code runbook backups} and {@code GET /api/v1/backups} list it, from the rollback
 * log's catalog of backups: the database it was taken from (its server's system identifier, the
 * address, the physical name), what it holds, which run and step took it, and where it is.
 *
 * @param database the configured name it was taken under
 * @param systemIdentifier the source server's {@code pg_control_system()} identifier
 * @param host the address the source server was reached at
 * @param physicalDatabase the database's name on that server
 * @param workflowId the run that took it (null when taken outside a run)
 * @param step the step of that run (the last part of its idempotency key)
 * @param workerHost the machine whose disk holds it
 * @param location its directory on that machine
 * @param removedAt when retention removed its files; null while they are there
 * @param format how the dump is written: directory (what backups take), or for an imported file
 *     plain, plain-gzip, custom, tar or directory
 * @param importedBy for an imported file, the person who imported it and asserted which database
 *     it holds; null for a backup a run took
 * @param importedFrom the path it was imported from, on {@code workerHost}
 * @param importedAt when it was imported ({@code createdAt} is when the dump was made)
 */
public record BackupRecord(
    String backupId,
    String database,
    String systemIdentifier,
    String host,
    Integer port,
    String physicalDatabase,
    Instant createdAt,
    long sizeBytes,
    String sha256,
    String schemaVersion,
    boolean verified,
    String workflowId,
    String runId,
    String step,
    String workerHost,
    String location,
    Instant removedAt,
    String format,
    String importedBy,
    String importedFrom,
    Instant importedAt) {

  /** A backup a run took (not imported), in pg_dump's directory format. */
  public BackupRecord(
      String backupId,
      String database,
      String systemIdentifier,
      String host,
      Integer port,
      String physicalDatabase,
      Instant createdAt,
      long sizeBytes,
      String sha256,
      String schemaVersion,
      boolean verified,
      String workflowId,
      String runId,
      String step,
      String workerHost,
      String location,
      Instant removedAt) {
    this(backupId, database, systemIdentifier, host, port, physicalDatabase, createdAt, sizeBytes, sha256,
        schemaVersion, verified, workflowId, runId, step, workerHost, location, removedAt, "directory", null,
        null, null);
  }

  /** "imported by bob from /backups/db.sql.gz", or null for a backup a run took. */
  public String importedDescription() {
    return importedBy == null ? null : "imported by " + importedBy + " from " + importedFrom;
  }
}
