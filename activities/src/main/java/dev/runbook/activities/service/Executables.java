package dev.runbook.activities.service;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.FailureType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the programs the adapters run ({@code docker}, {@code kubectl}, {@code setsid}) at run
 * time, on a configured path or on the search path (the worker's PATH unless given). The program
 * is run by the absolute path found here: {@code ProcessBuilder} would otherwise look it up on
 * the JVM's own PATH, which may hold a different one.
 */
public final class Executables {
  private final String searchPath;
  private final Path baseDir;

  public Executables(String searchPath, Path baseDir) {
    this.searchPath = searchPath == null ? "" : searchPath;
    this.baseDir = baseDir;
  }

  public Optional<Path> onPath(String name) {
    for (String dir : searchPath.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /**
   * @param configured the configured path, or null to search PATH
   * @param settingPath the YAML path of that setting, for the message
   */
  public String require(String name, String configured, String settingPath) {
    if (configured != null) {
      Path path = baseDir.resolve(configured);
      if (Files.isRegularFile(path) && Files.isExecutable(path)) {
        return path.toString();
      }
      throw Failures.of(FailureType.INVALID_INPUT, settingPath + ": " + path + " is not an"
          + " executable file: fix the path, or remove it to use " + name + " from PATH");
    }
    return onPath(name).map(Path::toString).orElseThrow(() -> Failures.of(
        FailureType.INVALID_INPUT, name + " was not found on PATH: install it, or set "
            + settingPath + " to its full path"));
  }
}
