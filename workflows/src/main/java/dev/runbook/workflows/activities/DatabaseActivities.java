package dev.runbook.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.time.Instant;
import java.util.List;

/**
 * Database work: backups, restores, migration reverts and integrity checks, on PostgreSQL
 * (pg_dump, pg_restore, SQL) or on any engine through its configured commands ({@code engine:
 * command}). {@code database} is always the configured name; the adapter maps it to the physical
 * one. {@code runTag} is a short run identifier the adapter uses to name the staging database
 * ({@code <db>__rb_<tag>}) and the safety copy ({@code <db>__before_<tag>}).
 */
@ActivityInterface(namePrefix = "Database")
public interface DatabaseActivities {
  /** Takes a verified backup; a retry with the same key returns the backup already taken. */
  BackupResult backup(BackupRequest request);

  /**
   * The backup to restore: the one named, or the newest verified of this very database; checked
   * again now. A backup of another database is refused unless the request allows a cross-restore.
   */
  BackupInfo resolveBackup(ResolveBackupRequest request);

  /** The schema version to revert to and the migrations in between, each with its undo script. */
  SchemaTarget resolveSchemaTarget(SchemaTargetRequest request);

  /** Runs the undo scripts down to the target in one transaction; no-op when already there. */
  RevertResult revertMigrations(RevertRequest request);

  /**
   * Runs the configured integrity checks (and the schema version when {@code expectedSchema} is
   * given). With {@code enforce}, throws {@link FailureType#INTEGRITY_CHECK_FAILED} on a failure.
   */
  IntegrityReport checkIntegrity(IntegrityRequest request);

  /** Restores a backup into the staging database for this run (parallel pg_restore). */
  RestoreResult restoreStaged(StagedRestoreRequest request);

  /**
   * Ends the sessions on the live database, renames it to the safety copy and the staging one to
   * the live name.
   */
  SwapResult swap(SwapRequest request);

  /** The reverse of {@link #swap}: the safety copy becomes live again. */
  SwapResult swapBack(SwapRequest request);

  /**
   * Restores into the live database (after a safety backup): its schemas dropped, then the
   * backup restored; a plain dump loads in one transaction with the drops.
   */
  RestoreResult restoreInPlace(InPlaceRestoreRequest request);

  /** Drops this run's staging database, if any; never the live one. */
  SwapResult dropStaging(SwapRequest request);

  /**
   * Imports a dump file the worker can read (plain SQL, gzip'd plain SQL, or a custom, tar or
   * directory archive, told apart by content): checks it whole, copies it into the backup store
   * and records it as a backup of the named database, asserted by the person who imports it.
   * The same file for the same database is one backup, however often it is imported.
   */
  ImportResult importBackup(ImportRequest request);

  /**
   * What restoring this run's staged copy would discard: the live database compared with the
   * staging one ({@code <db>__rb_<tag>}) table by table, by primary key (by whole row where a table
   * has none): rows inserted, updated and deleted since the backup, and the newest change where a
   * timestamp column says so. The rows that differ are kept as this run's salvage set, with a
   * script that re-applies them to the restored database. The same run tag measures again and
   * replaces its salvage set, so a retry or a second measurement leaves one set. With {@code
   * writersStopped} the live database no longer changes, and the salvage set is final. After the
   * swap the same run tag answers the measurement taken before it. An {@code engine: command}
   * database is not measured: the report has no tables, no salvage set and a planned line saying
   * why, so its restore goes on.
   */
  DiscardReport measureDiscard(DiscardRequest request);

  /** @param key stable idempotency key; the backup ID is derived from it */
  record BackupRequest(String database, String key, boolean dryRun) {}

  /**
   * @param reused true when a retry found the backup already taken and verified
   * @param source the database the backup was taken from (null in a dry run)
   */
  record BackupResult(
      String database,
      String backupId,
      String path,
      long sizeBytes,
      String sha256,
      String schemaVersion,
      Instant createdAt,
      boolean reused,
      List<String> planned,
      DatabaseIdentity source)
      implements Planned {

    public BackupResult(
        String database,
        String backupId,
        String path,
        long sizeBytes,
        String sha256,
        String schemaVersion,
        Instant createdAt,
        boolean reused,
        List<String> planned) {
      this(database, backupId, path, sizeBytes, sha256, schemaVersion, createdAt, reused, planned, null);
    }
  }

  /**
   * @param backupId the backup to restore; null picks the newest verified backup of this very
   *     database (same server, same physical name)
   * @param crossRestore allow a named backup of another database (or one whose source is not
   *     recorded): a deliberate copy, e.g. production into staging
   */
  record ResolveBackupRequest(String database, String backupId, boolean dryRun, boolean crossRestore) {
    public ResolveBackupRequest(String database, String backupId, boolean dryRun) {
      this(database, backupId, dryRun, false);
    }
  }

  /**
   * @param source where the backup was taken (null when its manifest does not say)
   * @param target the database it would be restored into, read from the server now
   * @param crossRestore true when source and target differ and the request allowed it
   */
  record BackupInfo(
      String database,
      String backupId,
      String schemaVersion,
      Instant createdAt,
      long sizeBytes,
      boolean verified,
      List<String> planned,
      DatabaseIdentity source,
      DatabaseIdentity target,
      boolean crossRestore)
      implements Planned {

    public BackupInfo(
        String database,
        String backupId,
        String schemaVersion,
        Instant createdAt,
        long sizeBytes,
        boolean verified,
        List<String> planned) {
      this(database, backupId, schemaVersion, createdAt, sizeBytes, verified, planned, null, null, false);
    }
  }

  /**
   * @param appVersion the application version being rolled back to, mapped to a schema version
   *     by configuration when {@code toMigration} is not given
   * @param steps revert this many migrations when neither of the above decides
   */
  record SchemaTargetRequest(
      String database, String appVersion, String toMigration, Integer steps, boolean dryRun) {}

  record SchemaTarget(
      String database,
      String currentVersion,
      String targetVersion,
      List<String> toRevert,
      List<String> planned)
      implements Planned {}

  record RevertRequest(String database, String targetVersion, String key, boolean dryRun) {}

  record RevertResult(
      String database,
      String fromVersion,
      String toVersion,
      List<String> reverted,
      boolean changed,
      List<String> planned)
      implements Planned {}

  /**
   * @param runTag when set, check this run's staging database instead of the live one
   * @param expectedSchema when set, the schema version must equal it
   */
  record IntegrityRequest(
      String database, String runTag, String expectedSchema, boolean enforce, boolean dryRun) {}

  record IntegrityReport(
      String database,
      String schemaVersion,
      boolean passed,
      List<CheckResult> checks,
      List<String> planned)
      implements Planned {}

  /** @param crossRestore allow a backup of another database (see {@link ResolveBackupRequest}) */
  record StagedRestoreRequest(
      String database, String backupId, String runTag, String key, boolean dryRun, boolean crossRestore) {
    public StagedRestoreRequest(String database, String backupId, String runTag, String key, boolean dryRun) {
      this(database, backupId, runTag, key, dryRun, false);
    }
  }

  /** @param crossRestore allow a backup of another database (see {@link ResolveBackupRequest}) */
  record InPlaceRestoreRequest(
      String database, String backupId, String key, boolean dryRun, boolean crossRestore) {
    public InPlaceRestoreRequest(String database, String backupId, String key, boolean dryRun) {
      this(database, backupId, key, dryRun, false);
    }
  }

  /** @param target the physical database restored into */
  record RestoreResult(
      String database,
      String target,
      String backupId,
      boolean changed,
      String detail,
      List<String> planned)
      implements Planned {}

  record SwapRequest(String database, String runTag, String key, boolean dryRun) {}

  /**
   * @param file an absolute path on the worker: a dump file, or a directory-format dump
   * @param importedBy the person who asserts that the file holds this database
   * @param dryRun check the file and say what would be imported; copy and record nothing
   */
  record ImportRequest(String database, String file, String importedBy, String key, boolean dryRun) {}

  /**
   * @param format plain, plain-gzip, custom, tar or directory, as read from the content
   * @param sha256 of the file's bytes ({@code sha256sum FILE}); for a directory, over its files
   * @param createdAt when the dump was made: the archive's own time, else the file's modification
   *     time (so an old dump imported today does not pass for today's backup)
   * @param importedAt when it was first imported
   * @param source the database it is bound to: the named database's identity at import time
   * @param reused true when this file was imported for this database before
   */
  record ImportResult(
      String database,
      String backupId,
      String format,
      String sha256,
      long sizeBytes,
      String schemaVersion,
      Instant createdAt,
      Instant importedAt,
      String importedBy,
      String importedFrom,
      DatabaseIdentity source,
      boolean reused,
      List<String> planned)
      implements Planned {}

  /**
   * @param liveName the physical name serving the application after the call
   * @param safetyName the physical name of the kept copy, if any
   */
  record SwapResult(
      String database, String liveName, String safetyName, boolean changed, List<String> planned)
      implements Planned {}

  /**
   * @param writersStopped true when the measurement is the last one, taken with the writers
   *     stopped just before the swap
   */
  record DiscardRequest(
      String database, String runTag, String key, boolean dryRun, boolean writersStopped) {}

  /**
   * One table's difference between the live database and the backup.
   *
   * @param table schema-qualified name
   * @param byPrimaryKey false when the table has no primary key and rows were compared whole (an
   *     update then counts as one row deleted and one inserted)
   * @param inserted rows in the live database the backup lacks
   * @param updated rows in both whose content differs
   * @param deleted rows in the backup the live database lacks
   * @param newestColumn the timestamp column the newest change was read from, or null
   * @param newestChange the newest value of that column among the inserted and updated rows
   */
  record TableDiscard(
      String table,
      boolean byPrimaryKey,
      long inserted,
      long updated,
      long deleted,
      String newestColumn,
      Instant newestChange) {}

  /**
   * @param tables only the tables that differ, largest difference first
   * @param salvage where the salvage set is kept (a schema or directory name, never a secret)
   * @param script the script that re-applies the salvage set to the restored database
   */
  record DiscardReport(
      String database,
      Instant measuredAt,
      List<TableDiscard> tables,
      String salvage,
      String script,
      List<String> planned)
      implements Planned {}
}
