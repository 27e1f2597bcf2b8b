package dev.runbook.activities.database;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.runbook.workflows.activities.DatabaseActivities.TableDiscard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a run's salvage set lives and how it is laid out: {@code
 * <backups>/_salvage/<database>/<runTag>/} (no configured database name starts with '_', so it
 * never mixes with the backups of one) holding {@code apply.sql}, two files per differing table
 * ({@code NNNN-delete.sql}, {@code NNNN-upsert.sql}; a table without a key also {@code
 * NNNN-rows.tsv}, {@link KeylessRows}) and {@code state.json}, the measurement it
 * was written by. A measurement writes a new set beside the old one and then replaces it, so a
 * retry leaves exactly one set. The set is plain files next to the backups: the swap renames
 * databases and never touches it.
 */
final class SalvageSet {
  static final String DIR = "_salvage";
  static final String SCRIPT = "apply.sql";
  static final String STATE = "state.json";

  private static final ObjectMapper json = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One measured table, as the next measurement of the run reads it back.
   *
   * @param counters n_tup_ins, n_tup_upd, n_tup_del read before the comparison (null if none)
   * @param deleteFile the file of its deletes in the set, or null
   * @param upsertFile the file of its upserts in the set, or null
   * @param inStaging false when the backup has no such table (its rows cannot be re-applied)
   * @param snapshot the live snapshot its result was measured at ({@link XidSnapshot#text}), or null
   * @param settledRows a table without a key: its rows settled at that snapshot ({@link KeylessRows}), or null
   * @param rowsFile a table without a key: the file of its row hashes in the set, or null
   */
  record Entry(String schema, String name, List<String> columns, List<String> key, List<Long> counters,
      TableDiscard discard, String deleteFile, String upsertFile, boolean inLive, boolean inStaging,
      String snapshot, Long settledRows, String rowsFile) {}

  /** The measurement that wrote a set. */
  record State(String database, String runTag, Instant measuredAt, List<Entry> tables) {}

  private final Path dir;

  SalvageSet(BackupStore store, String database, String runTag) {
    this.dir = store.root().resolve(DIR).resolve(database).resolve(PgNames.requireRunTag(runTag));
  }

  Path dir() {
    return dir;
  }

  Path script() {
    return dir.resolve(SCRIPT);
  }

  /** The set's state, if a measurement finished writing one. */
  Optional<State> state() {
    Path file = dir.resolve(STATE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(file.toFile(), State.class));
    } catch (IOException e) {
      return Optional.empty(); // unreadable: measure everything again
    }
  }

  /** An empty directory for the next set, beside the current one. */
  Path startNext() {
    Path next = dir.resolveSibling("." + dir.getFileName() + ".next");
    delete(next);
    try {
      Files.createDirectories(next);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the salvage directory " + next, e);
    }
    return next;
  }

  /** Writes the state and the script into the next set, then puts it in place of the current. */
  void finish(Path next, State state, String script) {
    Path old = dir.resolveSibling("." + dir.getFileName() + ".old");
    try {
      Files.writeString(next.resolve(SCRIPT), script, StandardCharsets.UTF_8);
      json.writeValue(next.resolve(STATE).toFile(), state);
      delete(old);
      if (Files.exists(dir)) {
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(next, dir, StandardCopyOption.ATOMIC_MOVE);
      delete(old);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the salvage set " + dir, e);
    }
  }

  /**
   * Holds the run's set while one attempt measures, so a retry on another worker cannot write
   * into the same next set (the lock file stays, empty, beside the set).
   *
   * @return the held lock, or empty when another attempt holds it
   */
  Optional<BackupStore.Lock> tryLock() {
    return BackupStore.Lock.tryAt(dir.resolveSibling("." + dir.getFileName() + ".lock"));
  }

  /** Copies a file of the current set into the next one, under its new name. */
  void carry(String file, Path next, String newName) {
    try {
      Files.copy(dir.resolve(file), next.resolve(newName), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + file + " of the salvage set " + dir, e);
    }
  }

  static void delete(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + path, e);
    }
  }
}
