package dev.runbook.activities.service;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command templates from configuration: argv lists with {@code {version}} and {@code {service}}
 * placeholders. Each element is substituted on its own and stays one argument, so a value can
 * never become a second argument or shell syntax: the result is run as an argv, not by a shell.
 */
final class Argv {
  static final String VERSION = "{version}";
  static final String SERVICE = "{service}";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z_]+}");

  private Argv() {}

  static List<String> substitute(List<String> template, String service, String version) {
    List<String> argv = new ArrayList<>(template.size());
    for (String element : template) {
      String value = element.replace(SERVICE, service);
      if (version != null) {
        value = value.replace(VERSION, version);
      }
      argv.add(value);
    }
    return argv;
  }

  static boolean mentions(List<String> template, String placeholder) {
    return template.stream().anyMatch(e -> e.contains(placeholder));
  }

  /**
   * Problems of a template at a YAML path: missing, empty program, unknown placeholders, or a
   * {@code {version}} where none can be given.
   */
  static List<String> problems(String path, List<String> template, boolean required,
      boolean versionAllowed) {
    List<String> problems = new ArrayList<>();
    if (template == null || template.isEmpty()) {
      if (required) {
        problems.add(path + ": missing: give the command as an argv list, e.g. [systemctl,"
            + " restart, \"{service}\"]");
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
        String p = m.group();
        if (!p.equals(SERVICE) && !(p.equals(VERSION) && versionAllowed)) {
          problems.add(path + "[" + i + "]: unknown placeholder " + p + ": use "
              + (versionAllowed ? "{version} or {service}" : "{service}"));
        }
      }
    }
    return problems;
  }
}
