package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.activities.DatabaseIdentity;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.Validation;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Importing a dump file people already have as a backup: checked whole ({@link DumpChecks}),
 * copied into the backup store (the original may be rotated away, or changed, before the
 * restore; the copy is the worker's) and recorded in the rollback log. A file cannot prove
 * which database it holds, so the backup is bound to the named database's identity as it is
 * now, asserted by the person who imports it, and says so. Its ID comes from its checksum:
 * the same file for the same database is one backup, however often and from wherever it is
 * imported.
 */
final class Imports {
  static final String ID_PREFIX = "import-";
  private static final Logger log = LoggerFactory.getLogger(Imports.class);

  private final Clock clock;
  private final BackupCatalog catalog;

  Imports(Clock clock, BackupCatalog catalog) {
    this.clock = clock;
    this.catalog = catalog;
  }

  ImportResult importFile(
      ConfiguredDatabase db, String file, String importedBy, BackupCatalog.Origin origin, boolean dryRun) {
    String problem = Validation.backupFileProblem("file", file);
    if (problem != null) {
      throw Failures.of(FailureType.INVALID_INPUT, problem);
    }
    if (importedBy == null || !Validation.NAME.matcher(importedBy).matches()) {
      throw Failures.of(FailureType.INVALID_INPUT, "importedBy '" + Validation.printable(String.valueOf(importedBy))
          + "' is not a person's name: name who imports the file (a person under people)");
    }
    Path path = Path.of(file);
    DumpFormat format = format(db, path, origin.workerHost());
    DatabaseIdentity live = db.client().identity(db.live(), "read the identity of databases." + db.name());
    Heartbeat heartbeat = Heartbeat.current();
    DumpChecks.Checked checked;
    try {
      checked = DumpChecks.check(db, format, path, heartbeat);
    } catch (DumpChecks.Refused r) {
      throw Failures.of(FailureType.INVALID_INPUT, refusal(db, file, r.getMessage()));
    } catch (IOException e) {
      throw unreadable(file, origin.workerHost(), e);
    }
    String id = ID_PREFIX + checked.sha256().substring(0, 16);
    Path finalDir = db.store().backupDir(db.name(), id);
    List<String> planned = new ArrayList<>(DumpChecks.planned(db, format, path));
    planned.add((format == DumpFormat.DIRECTORY ? "cp -r " : "cp ") + Shell.quote(file) + " "
        + Shell.quote(format.in(finalDir.resolve(BackupStore.DUMP)).toString()));
    planned.add("record backup " + id + " of databases." + db.name() + " (" + live.describe() + "), imported by "
        + importedBy + " from " + file);
    Optional<BackupManifest> done = verified(finalDir, id);
    if (done.isPresent()) {
      return reused(db, finalDir, done.get(), checked, live, origin, dryRun);
    }
    if (dryRun) {
      return new ImportResult(db.name(), id, format.label(), checked.sha256(), checked.sizeBytes(),
          checked.schemaVersion(), checked.createdAt(), null, importedBy, file, live, false, planned);
    }
    BackupStore.Lock lock = db.store().tryLock(db.name(), id).orElseThrow(() -> Failures.of(FailureType.UNAVAILABLE,
        "backup " + id + " of databases." + db.name() + " is being written by another attempt right now; will retry"));
    try (lock) {
      done = verified(finalDir, id);
      if (done.isPresent()) {
        return reused(db, finalDir, done.get(), checked, live, origin, false);
      }
      Path tempDir = db.store().tempDir(db.name(), id);
      BackupFiles.deleteTree(tempDir);
      BackupFiles.deleteTree(finalDir);
      Instant importedAt = clock.instant();
      BackupManifest m = new BackupManifest(id, db.name(), live.physicalDatabase(), "import:" + checked.sha256(),
          checked.createdAt(), checked.sizeBytes(), checked.sha256(), checked.schemaVersion(),
          checked.pgDumpVersion(), true, live.systemIdentifier(), live.host(), live.port(), format.label(),
          importedBy, file, importedAt);
      try {
        copy(db, format, path, tempDir.resolve(BackupStore.DUMP), checked.sha256(), heartbeat);
        BackupStore.writeManifest(tempDir, m);
        BackupStore.publish(tempDir, finalDir);
      } catch (RuntimeException | Error e) {
        removeQuietly(tempDir);
        throw e;
      }
      catalog.record(m, finalDir, origin);
      log.info("imported {} as backup {} of {} ({}, {} bytes, schema {}) for {}", file, id, db.name(), format.label(),
          checked.sizeBytes(), checked.schemaVersion(), importedBy);
      return result(m, live, false, planned);
    }
  }

  /** The file's format, or a refusal that says what is wrong with the path or its content. */
  private static DumpFormat format(ConfiguredDatabase db, Path path, String host) {
    if (!Files.exists(path)) {
      throw Failures.of(FailureType.INVALID_INPUT, "there is no " + path + " on worker " + host + ": the file must be"
          + " a path the workers can read (backups usually live on the database or backup host: run a worker"
          + " there, or copy the file to a worker)");
    }
    if (!Files.isReadable(path)) {
      throw Failures.of(FailureType.INVALID_INPUT, "worker " + host + " cannot read " + path + ": let the user the"
          + " worker runs as read it");
    }
    try {
      return DumpFormat.detect(path);
    } catch (DumpFormat.NotADump e) {
      throw Failures.of(FailureType.INVALID_INPUT, refusal(db, path.toString(), e.getMessage()));
    } catch (IOException e) {
      throw unreadable(path.toString(), host, e);
    }
  }

  private static String refusal(ConfiguredDatabase db, String file, String why) {
    return file + " cannot be imported as a backup of databases." + db.name() + ": " + why;
  }

  private static ApplicationFailure unreadable(String file, String host, IOException e) {
    return Failures.of(FailureType.INVALID_INPUT, "worker " + host + " cannot read " + file + " (" + e.getMessage()
        + "): let the user the worker runs as read it");
  }

  /**
   * The file imported before (the same bytes for this database). It must be bound to this very
   * database: another identity under the same name means two configurations share the backup
   * directory.
   */
  private ImportResult reused(ConfiguredDatabase db, Path dir, BackupManifest m, DumpChecks.Checked checked,
      DatabaseIdentity live, BackupCatalog.Origin origin, boolean dryRun) {
    if (!checked.sha256().equals(m.sha256()) || (m.source() != null && !m.source().sameDatabase(live))) {
      throw Failures.of(FailureType.INVALID_INPUT, "backup " + m.backupId() + " in " + dir + " holds "
          + (checked.sha256().equals(m.sha256()) ? "this file for " + DatabaseIdentity.describe(m.source())
              : "another file (sha256 " + m.sha256() + ")")
          + ", but databases." + db.name() + " is " + live.describe() + ": two configurations share this backup"
          + " directory. Give databases." + db.name() + " its own backupDir (or worker.backupDir)");
    }
    if (!dryRun) {
      catalog.record(m, dir, origin);
    }
    return result(m, live, true, List.of());
  }

  private static ImportResult result(BackupManifest m, DatabaseIdentity live, boolean reused, List<String> planned) {
    return new ImportResult(m.database(), m.backupId(), m.format(), m.sha256(), m.sizeBytes(), m.schemaVersion(),
        m.createdAt(), m.importedAt(), m.importedBy(), m.importedFrom(), m.source() != null ? m.source() : live,
        reused, planned);
  }

  private static Optional<BackupManifest> verified(Path dir, String id) {
    return BackupStore.readManifest(dir)
        .filter(m -> m.verified() && id.equals(m.backupId()) && Files.isDirectory(dir.resolve(BackupStore.DUMP)));
  }

  /**
   * Copies the dump into {@code dumpDir}, checking that the copy has the checksum the check
   * took: a file still being written (or replaced) meanwhile is not imported half.
   */
  private static void copy(ConfiguredDatabase db, DumpFormat format, Path from, Path dumpDir, String sha256,
      Heartbeat heartbeat) {
    heartbeat.phase("copy");
    try {
      Files.createDirectories(dumpDir);
      String copied;
      if (format == DumpFormat.DIRECTORY) {
        try (Stream<Path> walk = Files.walk(from)) {
          for (Path f : walk.filter(Files::isRegularFile).toList()) {
            Path to = dumpDir.resolve(from.relativize(f).toString());
            Files.createDirectories(to.getParent());
            copyFile(f, to, null, heartbeat);
          }
        }
        copied = BackupFiles.checksum(dumpDir, heartbeat::tick);
      } else {
        MessageDigest digest = BackupFiles.sha256Digest();
        copyFile(from, format.in(dumpDir), digest, heartbeat);
        copied = HexFormat.of().formatHex(digest.digest());
      }
      if (!copied.equals(sha256)) {
        throw Failures.of(FailureType.UNAVAILABLE, from + " changed while it was imported (sha256 " + sha256
            + " when checked, " + copied + " when copied): is it still being written? will retry");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " into the backups of databases." + db.name()
          + " (" + dumpDir + ")", e);
    }
  }

  private static void copyFile(Path from, Path to, MessageDigest digest, Heartbeat heartbeat) throws IOException {
    byte[] buf = new byte[1 << 16];
    long done = 0;
    long sinceTick = 0;
    try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(to)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        if (digest != null) {
          digest.update(buf, 0, n);
        }
        done += n;
        sinceTick += n;
        if (sinceTick >= BackupFiles.TICK_BYTES) {
          heartbeat.beat(done);
          sinceTick = 0;
        }
      }
    }
  }

  private static void removeQuietly(Path dir) {
    try {
      BackupFiles.deleteTree(dir);
    } catch (RuntimeException e) {
      log.warn("could not remove the partial import {}: {}", dir, e.getMessage());
    }
  }
}
