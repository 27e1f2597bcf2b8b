package dev.runbook.activities.database;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A backup as {@link BackupStore#list} shows it. {@code verified} is false for a directory whose
 * manifest is missing or unreadable, and for what a crashed attempt left behind.
 */
public record BackupEntry(
    String backupId,
    Instant createdAt,
    long sizeBytes,
    String schemaVersion,
    boolean verified,
    Path path) {}
