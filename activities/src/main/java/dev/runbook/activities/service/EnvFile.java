package dev.runbook.activities.service;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and sets one variable of a compose env file ({@code IMAGE_TAG=v2}). Setting it rewrites
 * that line only, keeps every other line byte for byte (comments, order, other secrets, CRLF), and
 * replaces the file atomically with its permissions kept.
 */
final class EnvFile {
  private EnvFile() {}

  private static Pattern lineOf(String variable) {
    return Pattern.compile("^(\\s*(?:export\\s+)?)" + Pattern.quote(variable)
        + "\\s*=(.*?)(\\r?)$");
  }

  /** The variable's value (the last assignment wins, as in compose), unquoted. */
  static Optional<String> read(Path file, String variable) {
    String text = StateFiles.readOrNull(file);
    if (text == null) {
      return Optional.empty();
    }
    Pattern pattern = lineOf(variable);
    String value = null;
    for (String line : text.split("\n", -1)) {
      Matcher m = pattern.matcher(line);
      if (m.matches()) {
        value = unquote(m.group(2).strip());
      }
    }
    return Optional.ofNullable(value).filter(v -> !v.isEmpty());
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
    text = text == null ? "" : text;
    Pattern pattern = lineOf(variable);
    String[] lines = text.split("\n", -1);
    boolean found = false;
    StringBuilder out = new StringBuilder(text.length() + 32);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = pattern.matcher(lines[i]);
      if (m.matches()) {
        out.append(m.group(1)).append(variable).append('=').append(value).append(m.group(3));
        found = true;
      } else {
        out.append(lines[i]);
      }
      if (i < lines.length - 1) {
        out.append('\n');
      }
    }
    if (!found) {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
      out.append(variable).append('=').append(value).append('\n');
    }
    StateFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
    return true;
  }

  private static String unquote(String raw) {
    if (raw.length() >= 2 && (raw.startsWith("\"") && raw.endsWith("\"")
        || raw.startsWith("'") && raw.endsWith("'"))) {
      return raw.substring(1, raw.length() - 1);
    }
    int comment = raw.indexOf(" #");
    return comment >= 0 ? raw.substring(0, comment).strip() : raw;
  }
}
