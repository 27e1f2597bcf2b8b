package dev.runbook.activities.database;

import dev.runbook.workflows.activities.DatabaseIdentity;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A backup as {@link BackupStore#list} shows it. {@code verified} is false for a directory whose
 * manifest is missing or unreadable, and for what a crashed attempt left behind.
 *
 * @param source the database it was taken from, or null when its manifest does not say
 */
public record BackupEntry(
    String backupId,
    Instant createdAt,
    long sizeBytes,
    String schemaVersion,
    boolean verified,
    Path path,
    DatabaseIdentity source) {}
