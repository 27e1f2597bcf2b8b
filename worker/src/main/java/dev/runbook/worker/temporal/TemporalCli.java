package dev.runbook.worker.temporal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the Temporal CLI whose dev server ({@code temporal server start-dev}) {@code runbook dev}
 * hosts: {@code $RUNBOOK_TEMPORAL_CLI}, else the pinned build {@code scripts/temporal-cli install}
 * puts in the cache, else {@code temporal} on the PATH.
 */
public final class TemporalCli {
  /** The pinned release; {@code TEMPORAL_CLI_VERSION} in scripts/temporal-cli says the same (a test checks). */
  public static final String VERSION = "1.5.1";
  /** A path to the CLI to use instead of looking for one. */
  public static final String ENV_PATH = "RUNBOOK_TEMPORAL_CLI";
  /** How to get it, for messages. */
  public static final String INSTALL = "scripts/temporal-cli install";

  private TemporalCli() {}

  /** Where scripts/temporal-cli installs the pinned CLI. */
  public static Path cached(Map<String, String> env) {
    String cache = env.get("RUNBOOK_CACHE");
    Path root = cache != null && !cache.isBlank()
        ? Path.of(cache) : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache", "runbook");
    return root.resolve("temporal-cli").resolve(VERSION).resolve("bin").resolve("temporal");
  }

  /**
   * The CLI to run, or empty when none is installed.
   *
   * @throws IllegalStateException when {@code RUNBOOK_TEMPORAL_CLI} names no executable file (a
   *     typo should not quietly fall back to the in-memory server)
   */
  public static Optional<Path> find(Map<String, String> env) {
    String chosen = env.get(ENV_PATH);
    if (chosen != null && !chosen.isBlank()) {
      Path p = Path.of(chosen.strip());
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new IllegalStateException(ENV_PATH + "=" + chosen + " is not an executable file: point it at the"
            + " temporal binary, or unset it to use " + cached(env) + " (" + INSTALL + ") or temporal on the PATH");
      }
      return Optional.of(p);
    }
    Path cached = cached(env);
    if (Files.isRegularFile(cached) && Files.isExecutable(cached)) {
      return Optional.of(cached);
    }
    String path = env.get("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path p = Path.of(dir, "temporal");
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }
}
