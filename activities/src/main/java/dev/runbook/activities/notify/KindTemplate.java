package dev.runbook.activities.notify;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel's own wording for one kind of message ({@code notify.channels.<name>.templates.<KIND>}).
 * Either part may be left out to keep the default for it.
 *
 * <pre>
 * templates:
 *   RESOLVED: {title: "Resolved: {services}", body: "Rolled back in {duration}: {reason}"}
 * </pre>
 *
 * @param title the title (Slack header, email subject, status page incident name)
 * @param body the text (email and console body, webhook text, status page update)
 */
public record KindTemplate(String title, String body) {

  List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    if (blank(title) && blank(body)) {
      problems.add(path + ": empty: set title, body or both, or remove it to keep the default"
          + " texts");
    }
    check(path + ".title", title, problems);
    check(path + ".body", body, problems);
    return problems;
  }

  private static void check(String path, String template, List<String> problems) {
    List<String> unknown = Placeholders.unknown(template, Placeholders.MESSAGE);
    if (!unknown.isEmpty()) {
      problems.add(path + ": unknown placeholder(s) " + braced(unknown) + ": use "
          + braced(Placeholders.MESSAGE));
    }
  }

  static String braced(List<String> names) {
    return String.join(", ", names.stream().map(n -> "{" + n + "}").toList());
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
