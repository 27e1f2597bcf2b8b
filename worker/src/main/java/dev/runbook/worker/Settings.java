package dev.runbook.worker;

import dev.runbook.worker.catalog.Catalog;
import dev.runbook.worker.catalog.ConfigFingerprint;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.config.RunbookConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

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
    return load(explicit, requireEnv, System::getenv);
  }

  /** @param env the environment: {@code RUNBOOK_CONFIG} and the {@code ${VAR}} the file names */
  public static Settings load(Path explicit, boolean requireEnv, Function<String, String> env) {
    Path file = locate(explicit, env);
    if (file == null) {
      return defaults();
    }
    Path abs = file.toAbsolutePath();
    return of(ConfigLoader.load(abs, env, requireEnv), abs);
  }

  /**
   * The configuration file a command reads: {@code explicit}, else {@code RUNBOOK_CONFIG}, else
   * {@code runbook.yaml} here if there is one; null for the built-in defaults.
   */
  static Path locate(Path explicit, Function<String, String> env) {
    if (explicit != null) {
      return explicit;
    }
    String named = env.apply("RUNBOOK_CONFIG");
    if (named != null) {
      return Path.of(named);
    }
    return Files.exists(Path.of(ConfigLoader.DEFAULT_FILE)) ? Path.of(ConfigLoader.DEFAULT_FILE) : null;
  }

  /** The built-in defaults, read against the current directory. */
  static Settings defaults() {
    return new Settings(RunbookConfig.defaults(), Path.of("").toAbsolutePath(), "built-in defaults");
  }

  /** A configuration read from {@code file} (absolute). */
  static Settings of(RunbookConfig config, Path file) {
    return new Settings(config, file.getParent(), file.toString());
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
