package dev.runbook.activities.database;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.runbook.workflows.activities.DatabaseIdentity;
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
 * @param systemIdentifier the source server's {@code pg_control_system()} identifier; null in
 *     manifests written before backups recorded their source
 * @param host the address the source server was reached at
 * @param port its port
 * @param format how {@code dump/} holds the dump ({@link DumpFormat}); null in manifests written
 *     before imports: directory
 * @param importedBy for an imported file, who imported it and so asserted that it holds this
 *     database (its identity is then the database's when it was imported); null for a backup a
 *     run took
 * @param importedFrom the path it was imported from
 * @param importedAt when it was imported; {@code createdAt} is when the dump was made
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
    boolean verified,
    String systemIdentifier,
    String host,
    Integer port,
    String format,
    String importedBy,
    String importedFrom,
    Instant importedAt) {

  /** A backup a run took with pg_dump, in its directory format. */
  public BackupManifest(
      String backupId,
      String database,
      String physicalDatabase,
      String key,
      Instant createdAt,
      long sizeBytes,
      String sha256,
      String schemaVersion,
      String pgDumpVersion,
      boolean verified,
      String systemIdentifier,
      String host,
      Integer port) {
    this(backupId, database, physicalDatabase, key, createdAt, sizeBytes, sha256, schemaVersion, pgDumpVersion,
        verified, systemIdentifier, host, port, DumpFormat.DIRECTORY.label(), null, null, null);
  }

  /** The database this backup holds, or null when the manifest does not say. */
  public DatabaseIdentity source() {
    if (systemIdentifier == null || physicalDatabase == null) {
      return null;
    }
    return new DatabaseIdentity(systemIdentifier, host, port == null ? 0 : port, physicalDatabase);
  }
}
