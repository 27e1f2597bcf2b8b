package dev.runbook.activities.config;

import dev.runbook.activities.Failures;
import dev.runbook.activities.service.StateFiles;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An env file (the one docker compose, or the process, reads). A snapshot is the file byte for
 * byte, comments included; restoring writes those bytes back atomically (a temporary file next
 * to it, then a rename), with the file's permissions kept.
 */
final class EnvFileSource implements ConfigSource {
  private final String service;
  private final Path file;

  EnvFileSource(String service, Path file) {
    this.service = service;
    this.file = file;
  }

  @Override
  public ConfigContent read(ConfigTrace trace) {
    trace.progress("reading " + file);
    trace.note("read " + file);
    if (!Files.isRegularFile(file)) {
      throw Failures.of(FailureType.INVALID_INPUT, "services." + service + ".config.envFile: " + file
          + " does not exist: create it, or fix the path");
    }
    try {
      return ConfigContent.envFile(Files.readAllBytes(file));
    } catch (IOException e) {
      throw Failures.of(FailureType.INVALID_INPUT, "cannot read " + file + ": " + e.getMessage());
    }
  }

  @Override
  public List<String> planRead() {
    return List.of("read " + file);
  }

  @Override
  public List<Write> planWrite(ConfigContent target, ConfigContent current, ConfigTrace reads) {
    String display = "write " + file + " (" + target.file().length + " bytes, atomically, its mode kept)";
    return List.of(new Write(display,
        trace -> {
          trace.progress("writing " + file);
          trace.note(display);
          try {
            StateFiles.write(file, target.file());
          } catch (UncheckedIOException e) {
            throw Failures.of(FailureType.INVALID_INPUT, "cannot write " + file + ": " + e.getCause().getMessage());
          }
        }));
  }
}
