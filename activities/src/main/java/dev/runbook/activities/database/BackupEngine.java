package dev.runbook.activities.database;

import dev.runbook.workflows.activities.DatabaseIdentity;
import java.nio.file.Path;
import java.util.List;

/**
 * What taking and checking a backup needs from a database engine: who the database is, how to
 * dump it into a directory and how to prove a dump readable. The flow around these (one attempt
 * at a time, the temporary directory, the checksum, the manifest, publishing, the catalog row and
 * the identity check before a restore) is {@link Backups}', the same for every engine.
 */
interface BackupEngine {
  /** The live database as its server identifies it now; reading it also proves the server answers. */
  DatabaseIdentity identity();

  /** The database a restore would go into, as its server identifies it now. */
  DatabaseIdentity targetIdentity();

  /** The commands a backup into {@code dump} runs, as a person would type them. */
  List<String> dumpPlan(Path dump, String backupId, String key);

  /** Writes the backup into {@code dump} (which does not exist yet), heartbeating its size. */
  void dump(Path dump, String backupId, String key, Heartbeat heartbeat);

  /** The dump tool's version for the manifest, or null when the engine cannot tell. */
  String toolVersion(Heartbeat heartbeat);

  /** The command that proves {@code dump} readable, as a person would type it. */
  String verifyPlan(Path dump, String backupId);

  /**
   * Proves {@code dump} readable.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code COMMAND_FAILED} when it is not
   */
  void verify(Path dump, String backupId, Heartbeat heartbeat);

  /** How the verification is named in a message ("pg_restore --list"). */
  String verifier();
}
