package dev.runbook.activities.database;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * {@code manifest.json}, next to the {@code dump} directory of a backup. A backup directory only
 * gets its final name once this says {@code verified}: pg_dump succeeded, the checksum is taken
 * and {@code pg_restore --list} read the archive.
 *
 * @param database the configured name
 * @param physicalDatabase the name on the server at backup time
 * @param key the idempotency key the backup ID was derived from
 * @param sizeBytes total size of the dump files
 * @param sha256 over the dump files in path order (see {@link BackupStore#checksum})
 * @param schemaVersion the migration version at backup time, null without migrations
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupManifest(
    String backupId,
    String database,
    String physicalDatabase,
    String key,
    Instant createdAt,
    long sizeBytes,
    String sha256,
    String schemaVersion,
    String pgDumpVersion,
    boolean verified) {}
