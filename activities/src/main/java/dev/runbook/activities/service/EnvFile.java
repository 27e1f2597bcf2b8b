package dev.runbook.activities.service;

import dev.runbook.activities.config.DotEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and sets one variable of a compose env file ({@code IMAGE_TAG=v2}). Setting it rewrites
 * that line only, keeps every other line byte for byte (comments, order, other secrets, CRLF), and
 * replaces the file atomically with its permissions kept.
 */
final class EnvFile {
  private EnvFile() {}

  /** The variable's value (the last assignment wins, as in compose), unquoted. */
  static Optional<String> read(Path file, String variable) {
    String text = StateFiles.readOrNull(file);
    if (text == null) {
      return Optional.empty();
    }
    return DotEnv.value(text, variable).filter(v -> !v.isEmpty());
  }

  /**
   * Sets the variable, appending it when the file does not have it yet.
   *
   * @return false when it already had that value (nothing written)
   */
  static boolean write(Path file, String variable, String value) {
    if (read(file, variable).filter(value::equals).isPresent()) {
      return false;
    }
    String text = StateFiles.readOrNull(file);
    String updated = DotEnv.with(text == null ? "" : text, variable, value, true);
    StateFiles.write(file, updated.getBytes(StandardCharsets.UTF_8));
    return true;
  }
}
