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
    Instant removedAt) {}
