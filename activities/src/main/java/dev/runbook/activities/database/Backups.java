package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.DatabaseActivities.BackupInfo;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Taking a backup with pg_dump, and finding and re-verifying one to restore. */
final class Backups {
  private static final Logger log = LoggerFactory.getLogger(Backups.class);

  private final Clock clock;

  Backups(Clock clock) {
    this.clock = clock;
  }

  BackupResult backup(ConfiguredDatabase db, String key, boolean dryRun) {
    BackupStore store = db.store();
    String id = BackupStore.idFor(key);
    Path finalDir = store.backupDir(db.name(), id);
    Path tempDir = store.tempDir(db.name(), id);
    Path tempDump = tempDir.resolve(BackupStore.DUMP);
    List<String> planned = List.of(
        Shell.display(db.tools().dump(tempDump)),
        Shell.display(db.tools().list(tempDump)),
        "mv " + Shell.quote(tempDir.toString()) + " " + Shell.quote(finalDir.toString()));
    if (dryRun) {
      return new BackupResult(db.name(), id, finalDir.toString(), 0, null, null, null, false, planned);
    }
    Optional<BackupManifest> done = verifiedManifest(finalDir, id);
    if (done.isPresent()) {
      return reused(db, finalDir, done.get());
    }
    BackupStore.Lock lock = store.tryLock(db.name(), id).orElseThrow(() -> Failures.of(FailureType.UNAVAILABLE,
        "backup " + id + " of databases." + db.name() + " is being written by another attempt right now;"
            + " will retry"));
    try (lock) {
      done = verifiedManifest(finalDir, id); // the other attempt may have finished meanwhile
      if (done.isPresent()) {
        return reused(db, finalDir, done.get());
      }
      // What a crashed attempt left: a temp dir, or (by hand) a final dir without a verified manifest.
      BackupStore.deleteTree(tempDir);
      BackupStore.deleteTree(finalDir);
      return take(db, key, id, tempDir, finalDir, planned);
    }
  }

  private BackupResult take(
      ConfiguredDatabase db, String key, String id, Path tempDir, Path finalDir, List<String> planned) {
    Path dump = tempDir.resolve(BackupStore.DUMP);
    Heartbeat heartbeat = Heartbeat.current();
    try {
      Files.createDirectories(tempDir);
      Instant created = clock.instant();
      // Reading the version first also proves the server is reachable and the login works,
      // with JDBC's precise error codes, before pg_dump starts.
      String schemaVersion = db.migrations() == null
          ? db.client().onLive("connect", c -> null)
          : db.migrations().current(db.live());
      String pgDumpVersion = db.tools().run(db.tools().version(), "pg_dump --version", heartbeat::tick)
          .stdout().strip();
      heartbeat.phase("dump");
      db.tools().run(db.tools().dump(dump), "pg_dump of databases." + db.name(),
          () -> heartbeat.beat(BackupStore.size(dump)));
      long size = BackupStore.size(dump);
      heartbeat.phase("checksum");
      String sha256 = BackupStore.checksum(dump, () -> heartbeat.beat(size));
      heartbeat.phase("verify");
      verifyArchive(db, id, dump, heartbeat);
      BackupManifest manifest = new BackupManifest(
          id, db.name(), db.live(), key, created, size, sha256, schemaVersion, pgDumpVersion, true);
      BackupStore.writeManifest(tempDir, manifest);
      BackupStore.publish(tempDir, finalDir);
      log.info("backup {} of {}: {} bytes, schema {}", id, db.name(), size, schemaVersion);
      return new BackupResult(db.name(), id, finalDir.toString(), size, sha256, schemaVersion, created,
          false, planned);
    } catch (IOException e) {
      removeQuietly(tempDir);
      throw new UncheckedIOException("cannot write the backup in " + tempDir, e);
    } catch (RuntimeException | Error e) {
      // Cancelled (the heartbeat threw and pg_dump was killed) or failed: no partial backup stays.
      removeQuietly(tempDir);
      throw e;
    }
  }

  BackupInfo resolve(ConfiguredDatabase db, String backupId, boolean dryRun) {
    BackupEntry entry = find(db, backupId);
    Path dump = entry.path().resolve(BackupStore.DUMP);
    List<String> planned = List.of("sha256 over " + dump, Shell.display(db.tools().list(dump)));
    if (!entry.verified()) {
      throw corrupt(db, entry.backupId(), "it has no verified manifest (an unfinished or damaged backup)");
    }
    BackupManifest m = BackupStore.readManifest(entry.path()).orElseThrow();
    if (!dryRun) {
      Heartbeat heartbeat = Heartbeat.current();
      heartbeat.phase("checksum");
      String sha256 = Files.isDirectory(dump) ? BackupStore.checksum(dump, heartbeat::tick) : "(no dump directory)";
      if (!sha256.equals(m.sha256())) {
        throw corrupt(db, m.backupId(), "its files do not match the manifest's sha256 (" + m.sha256()
            + ", now " + sha256 + "): they were changed or damaged");
      }
      heartbeat.phase("verify");
      verifyArchive(db, m.backupId(), dump, heartbeat);
    }
    return new BackupInfo(db.name(), m.backupId(), m.schemaVersion(), m.createdAt(), m.sizeBytes(), true, planned);
  }

  /** The named backup, or the newest verified one. */
  BackupEntry find(ConfiguredDatabase db, String backupId) {
    List<BackupEntry> all = db.store().list(db.name());
    if (backupId == null) {
      return all.stream().filter(BackupEntry::verified).findFirst().orElseThrow(() -> Failures.of(
          FailureType.UNKNOWN_BACKUP, "databases." + db.name() + " has no verified backup in "
              + db.store().root().resolve(db.name()) + existing(all) + ": take one first (backup step)"));
    }
    PgNames.requireBackupId(backupId);
    return all.stream().filter(e -> e.backupId().equals(backupId)).findFirst().orElseThrow(() ->
        Failures.of(FailureType.UNKNOWN_BACKUP, "there is no backup '" + backupId + "' of databases."
            + db.name() + existing(all) + ": use one of these, or none for the newest verified"));
  }

  /** A backup to restore from: present and verified by its manifest (resolve checked it fully). */
  BackupManifest restorable(ConfiguredDatabase db, String backupId) {
    BackupEntry entry = find(db, backupId);
    if (!entry.verified()) {
      throw corrupt(db, entry.backupId(), "it has no verified manifest (an unfinished or damaged backup)");
    }
    return BackupStore.readManifest(entry.path()).orElseThrow();
  }

  private void verifyArchive(ConfiguredDatabase db, String id, Path dump, Heartbeat heartbeat) {
    try {
      db.tools().run(db.tools().list(dump), "pg_restore --list", heartbeat::tick);
    } catch (io.temporal.failure.ApplicationFailure e) {
      if (FailureType.COMMAND_FAILED.name().equals(e.getType())) {
        throw corrupt(db, id, "pg_restore --list cannot read it (" + e.getOriginalMessage() + ")");
      }
      throw e;
    }
  }

  private io.temporal.failure.ApplicationFailure corrupt(ConfiguredDatabase db, String id, String why) {
    List<BackupEntry> all = db.store().list(db.name());
    return Failures.of(FailureType.BACKUP_CORRUPT, "backup " + id + " of databases." + db.name()
        + " cannot be used: " + why + existing(all) + ": pick another backup");
  }

  private static String existing(List<BackupEntry> all) {
    if (all.isEmpty()) {
      return " (there are no backups)";
    }
    return "; backups: " + all.stream()
        .map(e -> e.backupId() + " (" + e.createdAt() + ", schema " + e.schemaVersion() + ", "
            + (e.verified() ? "verified" : "NOT verified") + ")")
        .collect(Collectors.joining(", "));
  }

  private BackupResult reused(ConfiguredDatabase db, Path dir, BackupManifest m) {
    return new BackupResult(db.name(), m.backupId(), dir.toString(), m.sizeBytes(), m.sha256(),
        m.schemaVersion(), m.createdAt(), true, List.of());
  }

  private static Optional<BackupManifest> verifiedManifest(Path dir, String id) {
    return BackupStore.readManifest(dir)
        .filter(m -> m.verified() && id.equals(m.backupId()) && Files.isDirectory(dir.resolve(BackupStore.DUMP)));
  }

  private static void removeQuietly(Path dir) {
    try {
      BackupStore.deleteTree(dir);
    } catch (RuntimeException e) {
      log.warn("could not remove the partial backup {}: {}", dir, e.getMessage());
    }
  }
}
