package dev.runbook.activities.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The argv templates of {@code engine: command}. Each element is substituted on its own and stays
 * one argument: a value never becomes a second argument or shell syntax, since the result runs as
 * an argv, never through a shell. The values are the product's own (the configured physical name,
 * the staging and safety names built from it, the backup directory, a checked backup ID, the
 * idempotency key), never free text from a request.
 */
final class Templates {
  static final String DATABASE = "{database}";
  static final String DIR = "{dir}";
  static final String BACKUP = "{backup}";
  static final String KEY = "{key}";
  static final String STAGING = "{staging}";
  static final String SAFETY = "{safety}";
  static final String NAME = "{name}";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z_]+}");

  private Templates() {}

  /** The template with each placeholder replaced by its value; unknown ones stay (validation refuses them). */
  static List<String> fill(List<String> template, Map<String, String> values) {
    List<String> argv = new ArrayList<>(template.size());
    for (String element : template) {
      Matcher m = PLACEHOLDER.matcher(element);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = values.get(m.group());
        m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
      }
      m.appendTail(out);
      argv.add(out.toString());
    }
    return argv;
  }

  static boolean mentions(List<String> template, String placeholder) {
    return template != null && template.stream().anyMatch(e -> e != null && e.contains(placeholder));
  }

  /**
   * Problems of one template at a YAML path: missing (when required, saying what it must do),
   * an empty program or element, a shell string instead of a list, a placeholder it cannot have.
   *
   * @param purpose what the command must do, for the message when it is missing
   */
  static List<String> problems(String path, List<String> template, boolean required, String purpose,
      Set<String> allowed) {
    List<String> p = new ArrayList<>();
    if (template == null || template.isEmpty()) {
      if (required) {
        p.add(path + " is missing: give the argv that " + purpose);
      }
      return p;
    }
    if (template.get(0) == null || template.get(0).isBlank()) {
      p.add(path + "[0]: empty program name: the first element is the program to run");
    } else if (template.size() == 1 && template.get(0).contains(" ")) {
      p.add(path + " is one string with spaces ('" + template.get(0) + "'): write each argument as its own"
          + " list element; commands never go through a shell");
    }
    for (int i = 0; i < template.size(); i++) {
      String element = template.get(i);
      if (element == null) {
        p.add(path + "[" + i + "]: empty element: remove it or quote it as \"\"");
        continue;
      }
      Matcher m = PLACEHOLDER.matcher(element);
      while (m.find()) {
        if (!allowed.contains(m.group())) {
          p.add(path + "[" + i + "]: unknown placeholder " + m.group() + ": " + path.substring(path.lastIndexOf('.') + 1)
              + " may use " + String.join(", ", allowed.stream().sorted().toList()));
        }
      }
    }
    return p;
  }
}
