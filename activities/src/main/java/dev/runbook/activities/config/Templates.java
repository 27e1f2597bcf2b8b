package dev.runbook.activities.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The argv templates of a configuration ({@code [heroku, "config:set", "{name}={value}", --app,
 * shop]}): each element substituted on its own, so a value stays one argument and is never read
 * by a shell. What a person sees of a command never holds a value: {@code {value}} shows as
 * {@code ****}.
 */
final class Templates {
  static final String SERVICE = "{service}";
  static final String NAME = "{name}";
  static final String VALUE = "{value}";
  static final String FILE = "{file}";
  static final String MASK = "****";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z_]+}");

  private Templates() {}

  /** The argv, with each placeholder in {@code values} replaced. */
  static List<String> substitute(List<String> template, Map<String, String> values) {
    List<String> argv = new ArrayList<>(template.size());
    for (String element : template) {
      String out = element;
      for (Map.Entry<String, String> v : values.entrySet()) {
        out = out.replace(v.getKey(), v.getValue());
      }
      argv.add(out);
    }
    return argv;
  }

  static boolean mentions(List<String> template, String placeholder) {
    return template != null && template.stream().anyMatch(e -> e != null && e.contains(placeholder));
  }

  /** Problems of a template at a YAML path: missing, empty program, unknown placeholders. */
  static List<String> problems(String path, List<String> template, boolean required, Set<String> allowed) {
    List<String> problems = new ArrayList<>();
    if (template == null || template.isEmpty()) {
      if (required) {
        problems.add(path + ": missing: give the command as an argv list, e.g. [heroku, config, --json, --app, shop]");
      }
      return problems;
    }
    if (template.get(0) == null || template.get(0).isBlank()) {
      problems.add(path + "[0]: empty program name: the first element is the program to run");
    }
    for (int i = 0; i < template.size(); i++) {
      String element = template.get(i);
      if (element == null) {
        problems.add(path + "[" + i + "]: empty element: remove it or quote it as \"\"");
        continue;
      }
      Matcher m = PLACEHOLDER.matcher(element);
      while (m.find()) {
        if (!allowed.contains(m.group())) {
          problems.add(path + "[" + i + "]: unknown placeholder " + m.group() + ": use "
              + String.join(", ", allowed.stream().sorted().toList()));
        }
      }
    }
    return problems;
  }
}
