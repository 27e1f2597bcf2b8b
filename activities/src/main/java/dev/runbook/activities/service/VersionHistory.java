package dev.runbook.activities.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The versions a service has run, newest first, kept by the adapters that have no history of
 * their own to ask (a local process, docker compose, a command without {@code listVersions}). A
 * version deployed again moves to the front; the list is capped.
 */
final class VersionHistory {
  static final int MAX = 50;
  private static final ObjectMapper JSON = new ObjectMapper();

  record Entry(String version, String deployedAt) {}

  record State(List<Entry> versions) {
    State {
      versions = versions == null ? List.of() : List.copyOf(versions);
    }
  }

  private final Path file;
  private final Clock clock;

  VersionHistory(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  Path file() {
    return file;
  }

  List<String> versions() {
    return state().versions().stream().map(Entry::version).toList();
  }

  Optional<String> newest() {
    return versions().stream().findFirst();
  }

  /** Puts a version at the front (it runs now). */
  void record(String version) {
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry(version, clock.instant().toString()));
    state().versions().stream()
        .filter(e -> !e.version().equals(version))
        .limit(MAX - 1)
        .forEach(entries::add);
    try {
      StateFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(
          new State(entries)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private State state() {
    String text = StateFiles.readOrNull(file);
    if (text == null || text.isBlank()) {
      return new State(List.of());
    }
    try {
      return JSON.readValue(text, State.class);
    } catch (IOException e) {
      throw new UncheckedIOException("the version history " + file + " is damaged ("
          + e.getMessage() + "): fix or delete it", e);
    }
  }
}
