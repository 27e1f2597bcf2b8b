package dev.runbook.activities.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What each idempotency key has done for one service: one small file per key, written after the
 * action succeeded. A retried activity (the worker died after the work but before Temporal heard
 * of it) finds its key here and does not stop, start or deploy a second time. This matters most
 * where the adapter cannot look (a {@code command} stop has no state to ask).
 */
final class KeyJournal {
  /** Keys outlive any retry by far after this; older entries are pruned. */
  static final Duration KEEP = Duration.ofDays(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** @param action what the key did, e.g. {@code deploy v1} */
  record Entry(String key, String action, boolean changed, String detail, List<String> ran,
      String at) {}

  private final Path dir;
  private final Clock clock;

  KeyJournal(Path dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
  }

  Optional<Entry> find(String key) {
    String text = StateFiles.readOrNull(fileOf(key));
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(text, Entry.class));
    } catch (IOException e) {
      throw new UncheckedIOException("the key journal entry " + fileOf(key) + " is damaged", e);
    }
  }

  void record(String key, String action, boolean changed, String detail, List<String> ran) {
    Entry entry = new Entry(key, action, changed, detail, ran, clock.instant().toString());
    try {
      StateFiles.write(fileOf(key), JSON.writeValueAsBytes(entry));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    prune(fileOf(key));
  }

  /** Deletes entries much older than the one just written (file times, not the clock). */
  private void prune(Path written) {
    try (Stream<Path> files = Files.list(dir)) {
      Instant cutoff = Files.getLastModifiedTime(written).toInstant().minus(KEEP);
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      // Pruning is housekeeping; a failure here must not fail the action that just succeeded.
    }
  }

  /** Keys come from workflow IDs; hashing them keeps any character out of the file name. */
  private Path fileOf(String key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(key.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(hash) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
