package dev.runbook.activities.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The env files docker compose and dotenv read ({@code NAME=value} lines, {@code export}, quotes,
 * comments), read and changed as text. Changing a variable rewrites its line only: every other
 * byte (comments, order, other variables, CRLF) stays as it was.
 */
public final class DotEnv {
  private static final Pattern ANY = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*=(.*?)\\r?$");

  private DotEnv() {}

  private static Pattern lineOf(String variable) {
    return Pattern.compile("^(\\s*(?:export\\s+)?)" + Pattern.quote(variable) + "\\s*=(.*?)(\\r?)$");
  }

  /** Every variable, unquoted, in the order first seen; the last assignment wins, as in compose. */
  public static Map<String, String> parse(String text) {
    Map<String, String> variables = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      Matcher m = ANY.matcher(line);
      if (m.matches()) {
        variables.put(m.group(1), unquote(m.group(2).strip()));
      }
    }
    return variables;
  }

  /** One variable's value (the last assignment), unquoted; empty when it is not there. */
  public static Optional<String> value(String text, String variable) {
    Pattern pattern = lineOf(variable);
    String value = null;
    for (String line : text.split("\n", -1)) {
      Matcher m = pattern.matcher(line);
      if (m.matches()) {
        value = unquote(m.group(2).strip());
      }
    }
    return Optional.ofNullable(value);
  }

  /**
   * The text with {@code variable} set to {@code value}: its lines rewritten, or a line appended
   * when it has none and {@code append} is true.
   */
  public static String with(String text, String variable, String value, boolean append) {
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
    if (!found && append) {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
      out.append(variable).append('=').append(value).append('\n');
    }
    return out.toString();
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
