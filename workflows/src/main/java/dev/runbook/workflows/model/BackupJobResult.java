package dev.runbook.workflows.model;

import java.time.Instant;

/**
 * What a backup run returns.
 *
 * @param backupId the backup taken (null when the run did not end with one)
 */
public record BackupJobResult(
    RunReport report, String database, String backupId, long sizeBytes, String schemaVersion, Instant createdAt) {}
