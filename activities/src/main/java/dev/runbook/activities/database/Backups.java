package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.DatabaseActivities.BackupInfo;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseIdentity;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.Shown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taking a backup with the database's engine (pg_dump, or the templates of {@code engine:
 * command}): its manifest records the database it came from, and the rollback log's catalog a row
 * for it. Finding and re-verifying one to restore: only a backup of the target database itself,
 * unless a cross-restore was asked for ({@link Provenance}).
 */
final class Backups {
  private static final Logger log = LoggerFactory.getLogger(Backups.class);

  private final Clock clock;
  private final BackupCatalog catalog;

  Backups(Clock clock, BackupCatalog catalog) {
    this.clock = clock;
    this.catalog = catalog;
  }

  BackupResult backup(ConfiguredDatabase db, String key, BackupCatalog.Origin origin, boolean dryRun) {
    BackupStore store = db.store();
    String id = BackupStore.idFor(key);
    Path finalDir = store.backupDir(db.name(), id);
    Path tempDir = store.tempDir(db.name(), id);
    Path tempDump = tempDir.resolve(BackupStore.DUMP);
    List<String> planned = new ArrayList<>(db.engine().dumpPlan(tempDump, id, key));
    planned.add(db.engine().verifyPlan(tempDump, id));
    planned.add("mv " + Shell.quote(tempDir.toString()) + " " + Shell.quote(finalDir.toString()));
    if (dryRun) {
      return new BackupResult(db.name(), id, finalDir.toString(), 0, null, null, null, false, planned);
    }
    // Reading the identity first also proves the server is reachable and the login works, before
    // the dump starts.
    DatabaseIdentity source = db.engine().identity();
    Optional<BackupManifest> done = verifiedManifest(finalDir, id);
    if (done.isPresent()) {
      return reused(db, finalDir, done.get(), source, origin);
    }
    BackupStore.Lock lock = store.tryLock(db.name(), id).orElseThrow(() -> Failures.of(FailureType.UNAVAILABLE,
        "backup " + id + " of databases." + db.name() + " is being written by another attempt right now;"
            + " will retry"));
    try (lock) {
      done = verifiedManifest(finalDir, id); // the other attempt may have finished meanwhile
      if (done.isPresent()) {
        return reused(db, finalDir, done.get(), source, origin);
      }
      // What a crashed attempt left: a temp dir, or (by hand) a final dir without a verified manifest.
      BackupFiles.deleteTree(tempDir);
      BackupFiles.deleteTree(finalDir);
      BackupResult taken = take(db, key, id, tempDir, finalDir, planned, source);
      catalog.record(BackupStore.readManifest(finalDir).orElseThrow(), finalDir, origin);
      return taken;
    }
  }

  private BackupResult take(ConfiguredDatabase db, String key, String id, Path tempDir, Path finalDir,
      List<String> planned, DatabaseIdentity source) {
    Path dump = tempDir.resolve(BackupStore.DUMP);
    Heartbeat heartbeat = Heartbeat.current();
    try {
      Files.createDirectories(tempDir);
      Instant created = clock.instant();
      String schemaVersion = db.migrations() == null ? null : db.migrations().current(db.live());
      String pgDumpVersion = db.engine().toolVersion(heartbeat);
      heartbeat.phase("dump");
      db.engine().dump(dump, id, key, heartbeat);
      long size = BackupFiles.size(dump);
      heartbeat.phase("checksum");
      String sha256 = BackupFiles.checksum(dump, () -> heartbeat.beat(size));
      heartbeat.phase("verify");
      verifyArchive(db, id, dump, heartbeat);
      BackupManifest manifest = new BackupManifest(id, db.name(), source.physicalDatabase(), key, created,
          size, sha256, schemaVersion, pgDumpVersion, true, source.systemIdentifier(), source.host(),
          source.port());
      BackupStore.writeManifest(tempDir, manifest);
      BackupStore.publish(tempDir, finalDir);
      log.info("backup {} of {} ({}): {} bytes, schema {}", id, db.name(), source.describe(), size, Shown.schema(schemaVersion));
      return new BackupResult(db.name(), id, finalDir.toString(), size, sha256, schemaVersion, created,
          false, planned, source);
    } catch (IOException e) {
      removeQuietly(tempDir);
      throw new UncheckedIOException("cannot write the backup in " + tempDir, e);
    } catch (RuntimeException | Error e) {
      // Cancelled (the heartbeat threw and the dump was killed) or failed: no partial backup stays.
      removeQuietly(tempDir);
      throw e;
    }
  }

  /**
   * The backup a restore would use, checked fully now (checksum, the engine's verification) and
   * against the target's identity.
   */
  BackupInfo resolve(ConfiguredDatabase db, String backupId, boolean crossRestore, boolean dryRun) {
    Target t = target(db, backupId, dryRun);
    DatabaseIdentity target = t.identity();
    BackupEntry entry = t.entry();
    Path dumpDir = entry.path().resolve(BackupStore.DUMP);
    if (!entry.verified()) {
      throw corrupt(db, entry.backupId(), "it has no verified manifest (an unfinished or damaged backup)");
    }
    BackupManifest m = BackupStore.readManifest(entry.path()).orElseThrow();
    DumpFormat format = DumpFormat.of(m.format());
    Path dump = format.in(dumpDir);
    Provenance.Verdict verdict = Provenance.check(db, m, target, crossRestore, null);
    boolean crossing = verdict == Provenance.Verdict.CROSS_RESTORE;
    List<String> planned = new ArrayList<>();
    if (crossing) {
      planned.add("CROSS-RESTORE (asked for): backup " + m.backupId() + " was taken from "
          + DatabaseIdentity.describe(m.source()) + " and goes into " + target.describe());
    }
    planned.add("sha256 over " + dump);
    if (format.archive()) {
      planned.add(db.engine().verifyPlan(dump, m.backupId()));
    }
    if (!dryRun) {
      Heartbeat heartbeat = Heartbeat.current();
      heartbeat.phase("checksum");
      String sha256 = Files.exists(dump) ? format.checksum(dumpDir, heartbeat::tick) : "(no dump)";
      if (!sha256.equals(m.sha256())) {
        throw corrupt(db, m.backupId(), "its files do not match the manifest's sha256 (" + m.sha256()
            + ", now " + sha256 + "): they were changed or damaged");
      }
      if (format.archive()) {
        heartbeat.phase("verify");
        verifyArchive(db, m.backupId(), dump, heartbeat);
      }
    }
    if (crossing) {
      log.warn("cross-restore asked for: backup {} of {} was taken from {}, target is {}", m.backupId(),
          db.name(), DatabaseIdentity.describe(m.source()), target.describe());
    }
    return new BackupInfo(db.name(), m.backupId(), m.schemaVersion(), m.createdAt(), m.sizeBytes(), true,
        List.copyOf(planned), m.source(), target, crossing);
  }

  /** The backup a restore names (or the newest of the target's own), and the target's identity. */
  private record Target(BackupEntry entry, DatabaseIdentity identity) {}

  /**
   * The named backup, or the newest verified backup of the target itself (never another
   * database's, whatever its age). A named backup is looked up first: an unknown ID is an answer
   * that needs no server.
   */
  private Target target(ConfiguredDatabase db, String backupId, boolean dryRun) {
    if (backupId != null) {
      BackupEntry named = named(db, backupId, dryRun);
      return new Target(named, targetIdentity(db));
    }
    DatabaseIdentity target = targetIdentity(db);
    List<BackupEntry> all = db.store().list(db.name());
    return new Target(all.stream().filter(e -> e.verified() && target.sameDatabase(e.source())).findFirst()
        .orElseThrow(() -> noOwnBackup(db, target, all)), target);
  }

  private BackupEntry named(ConfiguredDatabase db, String backupId, boolean dryRun) {
    List<BackupEntry> all = db.store().list(db.name());
    PgNames.requireBackupId(backupId);
    boolean notYetImported = dryRun && backupId.startsWith(Imports.ID_PREFIX);
    return all.stream().filter(e -> e.backupId().equals(backupId)).findFirst().orElseThrow(() ->
        Failures.of(FailureType.UNKNOWN_BACKUP, "there is no backup '" + backupId + "' of databases."
            + db.name() + " on this worker (in " + db.store().root().resolve(db.name()) + ")"
            + (notYetImported
                ? ": the file it would be is not imported yet, and a dry run imports nothing. Import it"
                    + " (`runbook backup import " + db.name() + " FILE`) to plan the rest of the restore"
                : ": `runbook backups " + db.name() + "` lists what exists" + existing(all)
                    + "; or leave the backup out for the newest verified one")));
  }

  /**
   * A backup to restore from: present, verified by its manifest (resolve checked it fully) and
   * of the target database, unless a cross-restore was asked for.
   */
  BackupManifest restorable(ConfiguredDatabase db, String backupId, boolean crossRestore, String key) {
    Target t = target(db, backupId, false);
    DatabaseIdentity target = t.identity();
    BackupEntry entry = t.entry();
    if (!entry.verified()) {
      throw corrupt(db, entry.backupId(), "it has no verified manifest (an unfinished or damaged backup)");
    }
    BackupManifest m = BackupStore.readManifest(entry.path()).orElseThrow();
    Provenance.check(db, m, target, crossRestore, key);
    return m;
  }

  private static DatabaseIdentity targetIdentity(ConfiguredDatabase db) {
    return db.engine().targetIdentity();
  }

  private io.temporal.failure.ApplicationFailure noOwnBackup(
      ConfiguredDatabase db, DatabaseIdentity target, List<BackupEntry> all) {
    String where = db.store().root().resolve(db.name()).toString();
    boolean others = all.stream().anyMatch(BackupEntry::verified);
    return Failures.of(FailureType.UNKNOWN_BACKUP, "databases." + db.name() + " has no verified backup of "
        + target.describe() + " in " + where + existing(all)
        + (others ? ": those were taken from other databases (or do not say which), and the newest is only"
            + " ever chosen from this database's own. A database revert, or an emergency rollback with"
            + " --with-database, takes one of this database first; or name one of them with --backup and"
            + " --cross-restore to copy it here on purpose"
            : ": a restore needs one. A database revert, or an emergency rollback with --with-database,"
                + " takes one first"));
  }

  private void verifyArchive(ConfiguredDatabase db, String id, Path dump, Heartbeat heartbeat) {
    try {
      db.engine().verify(dump, id, heartbeat);
    } catch (io.temporal.failure.ApplicationFailure e) {
      if (FailureType.COMMAND_FAILED.name().equals(e.getType())) {
        throw corrupt(db, id, db.engine().verifier() + " cannot read it (" + e.getOriginalMessage() + ")");
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
        .map(e -> e.backupId() + " (" + Shown.time(e.createdAt()) + ", schema " + Shown.schema(e.schemaVersion()) + ", "
            + (e.verified() ? "verified" : "NOT verified") + ", of " + DatabaseIdentity.describe(e.source()) + ")")
        .collect(Collectors.joining(", "));
  }

  /**
   * A backup an earlier attempt with this key took. It must hold this database: the same key
   * with another database in the same directory means two configurations share both, and the
   * backup would be another database's.
   */
  private BackupResult reused(
      ConfiguredDatabase db, Path dir, BackupManifest m, DatabaseIdentity live, BackupCatalog.Origin origin) {
    if (m.source() != null && !m.source().sameDatabase(live)) {
      throw Failures.of(FailureType.INVALID_INPUT, "backup " + m.backupId() + " in " + dir + " was taken"
          + " with this idempotency key from " + m.source().describe() + ", but databases." + db.name()
          + " is " + live.describe() + ": two configurations share this backup directory and this key."
          + " Give databases." + db.name() + " its own backupDir (or worker.backupDir)");
    }
    catalog.record(m, dir, origin);
    return new BackupResult(db.name(), m.backupId(), dir.toString(), m.sizeBytes(), m.sha256(),
        m.schemaVersion(), m.createdAt(), true, List.of(), m.source());
  }

  private static Optional<BackupManifest> verifiedManifest(Path dir, String id) {
    return BackupStore.readManifest(dir)
        .filter(m -> m.verified() && id.equals(m.backupId()) && Files.isDirectory(dir.resolve(BackupStore.DUMP)));
  }

  private static void removeQuietly(Path dir) {
    try {
      BackupFiles.deleteTree(dir);
    } catch (RuntimeException e) {
      log.warn("could not remove the partial backup {}: {}", dir, e.getMessage());
    }
  }
}
