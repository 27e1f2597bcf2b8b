package dev.runbook.worker;

import dev.runbook.worker.catalog.Catalog;
import dev.runbook.worker.catalog.ConfigFingerprint;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.config.RunbookConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration a process runs with, and the directory its relative paths are read against:
 * {@code --config FILE}, else {@code RUNBOOK_CONFIG}, else {@code runbook.yaml} in the current
 * directory if there is one, else the defaults.
 */
public record Settings(RunbookConfig config, Path baseDir, String source) {
  public static Settings load(Path explicit) {
    return load(explicit, true);
  }

  /**
   * @param requireEnv whether every {@code ${VAR}} must be set: true for the processes that run
   *     (dev, worker, serve), false for the CLI, which reads only where to reach the API
   */
  public static Settings load(Path explicit, boolean requireEnv) {
    Path file = explicit;
    if (file == null && System.getenv("RUNBOOK_CONFIG") != null) {
      file = Path.of(System.getenv("RUNBOOK_CONFIG"));
    }
    if (file == null && Files.exists(Path.of(ConfigLoader.DEFAULT_FILE))) {
      file = Path.of(ConfigLoader.DEFAULT_FILE);
    }
    if (file == null) {
      return new Settings(RunbookConfig.defaults(), Path.of("").toAbsolutePath(), "built-in defaults");
    }
    Path abs = file.toAbsolutePath();
    return new Settings(ConfigLoader.load(abs, System::getenv, requireEnv), abs.getParent(), abs.toString());
  }

  /** The fingerprint of the configuration file (see {@link ConfigFingerprint}). */
  public String fingerprint() {
    Path file = Path.of(source);
    return ConfigFingerprint.of(file.isAbsolute() ? file : null);
  }

  /** What this configuration runs, for checking starts against it. */
  public Catalog catalog() {
    return Catalog.of(config, fingerprint(), source);
  }

  public Path stateDir() {
    return baseDir.resolve(config.worker().stateDir()).normalize();
  }

  public Path backupDir() {
    String b = config.worker().backupDir();
    return b == null ? stateDir().resolve("backups") : baseDir.resolve(b).normalize();
  }
}
