package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.DatabaseIdentity;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;

/**
 * Whether a backup may be restored into a configured database. Backups are kept under the
 * configured name, which two configurations (or the demo and a real setup) can share; what a
 * backup holds is told by the identity its manifest records. A restore takes a backup of that
 * very database only (same server by system identifier, same physical name), unless the request
 * asks for a cross-restore. A backup whose manifest records no identity is refused the same way,
 * with one exception: the run's own safety backup, taken by an earlier attempt of this run.
 */
final class Provenance {
  private Provenance() {}

  /** The verdict on one backup for one target. */
  enum Verdict {
    /** A backup of the target itself. */
    SAME_DATABASE,
    /** Another database's backup (or one of unknown source), allowed by the request. */
    CROSS_RESTORE
  }

  /**
   * @param restoreKey the restore's idempotency key, or null; a backup without identity whose key
   *     belongs to the same run was taken by this run from this database
   * @throws ApplicationFailure {@link FailureType#BACKUP_OF_ANOTHER_DATABASE} naming both
   *     databases and the way out, when the backup is another database's and no cross-restore
   *     was asked for
   */
  static Verdict check(
      ConfiguredDatabase db, BackupManifest backup, DatabaseIdentity target, boolean crossRestore, String restoreKey) {
    DatabaseIdentity source = backup.source();
    if (source != null && source.sameDatabase(target)) {
      return Verdict.SAME_DATABASE;
    }
    if (source == null && sameRun(backup.key(), restoreKey)) {
      return Verdict.SAME_DATABASE;
    }
    if (crossRestore) {
      return Verdict.CROSS_RESTORE;
    }
    throw refusal(db, backup.backupId(), source, target);
  }

  static ApplicationFailure refusal(
      ConfiguredDatabase db, String backupId, DatabaseIdentity source, DatabaseIdentity target) {
    String name = "databases." + db.name();
    String list = "`runbook backups " + db.name() + "` lists each backup with the database it came from";
    String anyway = "crossRestore: true in the request (`runbook start database ... --backup " + backupId
        + " --cross-restore`)";
    if (source == null) {
      return Failures.of(FailureType.BACKUP_OF_ANOTHER_DATABASE, "backup " + backupId + " of " + name
          + " does not record which database it was taken from (its manifest predates that), so it"
          + " cannot be told apart from another database's backup; " + name + " is " + target.describe()
          + ". Restore a backup taken since (" + list + "), or, if you know it holds " + db.name()
          + ", restore it anyway with " + anyway);
    }
    return Failures.of(FailureType.BACKUP_OF_ANOTHER_DATABASE, "backup " + backupId + " of " + name
        + " was taken from " + source.describe() + ", but " + name + " is " + target.describe()
        + ": another database, so it is not restored into this one. Restore one of " + db.name()
        + "'s own backups (" + list + "), or, to copy this one here on purpose (production into"
        + " staging, say), ask for it with " + anyway);
  }

  /** Keys are {@code <workflowId>/<runTag>/<step>}: the same first two parts mean the same run. */
  static boolean sameRun(String backupKey, String restoreKey) {
    if (backupKey == null || restoreKey == null) {
      return false;
    }
    String[] a = backupKey.split("/", 3);
    String[] b = restoreKey.split("/", 3);
    return a.length == 3 && b.length == 3 && a[0].equals(b[0]) && a[1].equals(b[1]);
  }
}
