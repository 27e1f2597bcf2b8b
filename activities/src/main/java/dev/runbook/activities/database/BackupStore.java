package dev.runbook.activities.database;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The backups on disk: {@code <root>/<database>/<backupId>/} holding {@code dump/} (pg_dump's
 * directory format) and {@code manifest.json}. A backup is written under {@code .tmp-<backupId>}
 * and renamed to its final name only when verified, so a final name always means a complete
 * backup. Listing and pruning are public for the CLI.
 */
public final class BackupStore {
  public static final String MANIFEST = "manifest.json";
  public static final String DUMP = "dump";
  static final String TEMP_PREFIX = ".tmp-";
  static final String LOCK_SUFFIX = ".lock";

  private static final ObjectMapper json = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;
  private final Clock clock;

  public BackupStore(Path root, Clock clock) {
    this.root = root.toAbsolutePath().normalize();
    this.clock = clock;
  }

  public Path root() {
    return root;
  }

  /** The backups of a database, newest first, including unverified leftovers. */
  public List<BackupEntry> list(String database) {
    Path dir = databaseDir(database);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<BackupEntry> entries = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.filter(Files::isDirectory).toList()) {
        String id = child.getFileName().toString();
        Optional<BackupManifest> m = id.startsWith(".") ? Optional.empty() : readManifest(child);
        entries.add(m.map(x -> new BackupEntry(id, x.createdAt(), x.sizeBytes(),
                x.schemaVersion(), x.verified() && x.backupId().equals(id), child, x.source()))
            .orElseGet(() -> new BackupEntry(id, modified(child), BackupFiles.size(child), null, false, child, null)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list backups in " + dir, e);
    }
    entries.sort(Comparator.comparing(BackupEntry::createdAt).reversed());
    return entries;
  }

  /** A backup retention lets go, and why. */
  public record Expired(BackupEntry entry, String why) {}

  /**
   * The backups the retention rules let go: beyond the newest {@code keep}, or older than {@code
   * maxAge}; the newest verified backup never. Leftovers of crashed attempts go too, unless an
   * attempt is still writing them.
   *
   * @param retention the rules; null lets only the leftovers go
   */
  public List<Expired> expired(String database, BackupRetention retention) {
    List<BackupEntry> all = list(database);
    Optional<BackupEntry> newestVerified = all.stream().filter(BackupEntry::verified).findFirst();
    Instant now = clock.instant();
    Instant cutoff = retention == null || retention.maxAge() == null ? null : now.minus(retention.maxAge());
    List<Expired> expired = new ArrayList<>();
    int kept = 0;
    for (BackupEntry e : all) {
      if (e.backupId().startsWith(TEMP_PREFIX)) {
        String id = e.backupId().substring(TEMP_PREFIX.length());
        if (!isLocked(database, id)) {
          expired.add(new Expired(e, "what an attempt that did not finish left (nothing writes it)"));
        }
        continue;
      }
      if (retention == null) {
        continue;
      }
      boolean protectedOne = newestVerified.map(n -> n.path().equals(e.path())).orElse(false);
      boolean tooMany = retention.keep() != null && kept >= retention.keep();
      boolean tooOld = cutoff != null && e.createdAt().isBefore(cutoff);
      if (!protectedOne && (tooMany || tooOld)) {
        expired.add(new Expired(e, tooOld
            ? "older than " + Durations.human(retention.maxAge()) + " (taken " + e.createdAt() + ", "
                + Durations.human(Duration.between(e.createdAt(), now).withNanos(0)) + " ago)"
            : "beyond the newest " + retention.keep()));
      } else {
        kept++;
      }
    }
    return expired;
  }

  /**
   * Removes the backups the retention rules let go (see {@link #expired}).
   *
   * @param dryRun true lists what would be removed and removes nothing
   * @return what was (or would be) removed
   */
  public List<BackupEntry> prune(String database, BackupRetention retention, boolean dryRun) {
    List<BackupEntry> removed = expired(database, retention).stream().map(Expired::entry).toList();
    if (!dryRun) {
      removed.forEach(e -> BackupFiles.deleteTree(e.path()));
    }
    return removed;
  }

  /**
   * The lock files of a database's backups that nothing holds and nothing will take again: the
   * backup is complete and verified (a retry finds it done before it locks), or gone with no
   * attempt's files left. An attempt in progress holds its lock, so its file is never listed.
   *
   * @return the backup IDs whose lock files are stale
   */
  public List<String> staleLocks(String database) {
    Path dir = databaseDir(database);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> stale = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path f : children.filter(Files::isRegularFile).sorted().toList()) {
        String file = f.getFileName().toString();
        if (!file.startsWith(".") || !file.endsWith(LOCK_SUFFIX)) {
          continue;
        }
        String id = file.substring(1, file.length() - LOCK_SUFFIX.length());
        if (!Validation.BACKUP_ID.matcher(id).matches()) {
          continue;
        }
        Path backup = backupDir(database, id);
        boolean complete = readManifest(backup).filter(m -> m.verified() && id.equals(m.backupId())).isPresent();
        boolean gone = !Files.exists(backup) && !Files.exists(tempDir(database, id));
        if ((complete || gone) && !isLocked(database, id)) {
          stale.add(id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list lock files in " + dir, e);
    }
    return stale;
  }

  /** The lock file of a backup ID, as {@link #tryLock} takes it. */
  public Path lockFile(String database, String backupId) {
    return databaseDir(database).resolve("." + PgNames.requireBackupId(backupId) + LOCK_SUFFIX);
  }

  /**
   * Removes a stale lock file while holding it, so no attempt can hold it meanwhile.
   *
   * @return false when an attempt holds it now (it stays)
   */
  public boolean removeLock(String database, String backupId) {
    Optional<Lock> held = tryLock(database, backupId);
    if (held.isEmpty()) {
      return false;
    }
    try (Lock lock = held.get()) {
      Files.deleteIfExists(lockFile(database, backupId));
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + lockFile(database, backupId), e);
    }
  }

  /** The backup ID for an idempotency key: readable, filesystem-safe and stable. */
  static String idFor(String key) {
    String slug = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (slug.length() > 40) {
      slug = slug.substring(0, 40).replaceAll("-+$", "");
    }
    byte[] sha = BackupFiles.sha256Digest().digest(key.getBytes(StandardCharsets.UTF_8));
    String digest = HexFormat.of().formatHex(sha).substring(0, 12);
    return (slug.isEmpty() ? "backup" : slug) + "-" + digest;
  }

  Path databaseDir(String database) {
    if (database == null || !Validation.NAME.matcher(database).matches()) {
      throw new IllegalArgumentException("'" + database + "' is not a configured database name");
    }
    return root.resolve(database);
  }

  Path backupDir(String database, String backupId) {
    return databaseDir(database).resolve(PgNames.requireBackupId(backupId));
  }

  Path tempDir(String database, String backupId) {
    return databaseDir(database).resolve(TEMP_PREFIX + PgNames.requireBackupId(backupId));
  }

  static Optional<BackupManifest> readManifest(Path backupDir) {
    Path file = backupDir.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(file.toFile(), BackupManifest.class));
    } catch (IOException unreadable) {
      return Optional.empty();
    }
  }

  static void writeManifest(Path backupDir, BackupManifest manifest) {
    try {
      Path tmp = backupDir.resolve(MANIFEST + ".tmp");
      json.writeValue(tmp.toFile(), manifest);
      Files.move(tmp, backupDir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the manifest in " + backupDir, e);
    }
  }

  /** Gives a verified backup its final name in one step. */
  static void publish(Path tempDir, Path finalDir) {
    try {
      Files.move(tempDir, finalDir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rename " + tempDir + " to " + finalDir, e);
    }
  }

  /**
   * Holds an exclusive lock on a backup ID while an attempt writes it, so a retry on another
   * worker does not remove the files of an attempt that is still running.
   *
   * @return the held lock, or empty when another attempt holds it
   */
  Optional<Lock> tryLock(String database, String backupId) {
    return Lock.tryAt(lockFile(database, backupId));
  }

  /** A held lock on a file (a backup's, a salvage set's); closing releases it. */
  interface Lock extends AutoCloseable {
    @Override
    void close();

    /**
     * An exclusive lock on {@code file} (created if missing, and left in place), held until
     * closed; empty when another process, or another attempt in this one, holds it.
     */
    static Optional<Lock> tryAt(Path file) {
      try {
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
          lock = null;
        }
        if (lock == null) {
          channel.close();
          return Optional.empty();
        }
        return Optional.of(() -> {
          try {
            channel.close(); // releases the lock
          } catch (IOException ignored) {
            // The lock goes with the channel in any case.
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot lock " + file, e);
      }
    }
  }

  /**
   * Whether an attempt holds the backup's lock now. No lock file means nobody holds it (and a
   * question asked by retention, a dry run's too, leaves no file behind).
   */
  private boolean isLocked(String database, String backupId) {
    if (!Files.exists(lockFile(database, backupId))) {
      return false;
    }
    Optional<Lock> lock = tryLock(database, backupId);
    lock.ifPresent(Lock::close);
    return lock.isEmpty();
  }

  private static Instant modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }
}
