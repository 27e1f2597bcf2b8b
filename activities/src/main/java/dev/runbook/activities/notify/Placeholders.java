package dev.runbook.activities.notify;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.policy.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {name}} placeholders of message templates and webhook bodies. Every value comes from
 * the notification itself (or, in a webhook body, the message rendered from it), never from
 * configuration or the environment, so no template can carry a secret out.
 */
final class Placeholders {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)\\}");

  /** What a template may name; {@code title} and {@code text} only in a webhook body. */
  static final List<String> MESSAGE = List.of("service", "services", "severity", "reason",
      "requestedBy", "workflowId", "duration", "durationMinutes", "eta", "detail", "incidentId",
      "runbook", "kind");

  static final List<String> WEBHOOK_BODY = with(MESSAGE, "title", "text");

  /** Values that are numbers in JSON when written outside a string. */
  private static final Set<String> NUMBERS = Set.of("durationMinutes");

  private Placeholders() {}

  private static List<String> with(List<String> names, String... more) {
    List<String> all = new ArrayList<>(names);
    all.addAll(List.of(more));
    return List.copyOf(all);
  }

  /** The notification's values by placeholder name; a field it does not have maps to null. */
  static Map<String, String> values(Notification n) {
    Map<String, String> v = new LinkedHashMap<>();
    List<String> services = n.services() == null ? List.of() : n.services();
    v.put("service", services.isEmpty() ? null : services.get(0));
    v.put("services", services.isEmpty() ? null : String.join(", ", services));
    v.put("severity", n.severity() == null ? null : n.severity().name());
    v.put("reason", n.reason());
    v.put("requestedBy", n.requestedBy());
    v.put("workflowId", n.workflowId());
    v.put("duration", n.duration() == null ? null : Durations.human(n.duration()));
    v.put("durationMinutes", n.duration() == null ? null : String.valueOf(minutes(n.duration())));
    v.put("eta", n.eta() == null ? null : Durations.human(n.eta()));
    v.put("detail", n.detail());
    v.put("incidentId", n.incidentId());
    v.put("runbook", n.runbook() == null ? null : n.runbook().id());
    v.put("kind", n.kind() == null ? null : n.kind().name());
    return v;
  }

  /**
   * Whole minutes, rounded up: a 40-second rollback (or a 400-millisecond one) took 1 minute, not
   * 0, on a status page.
   */
  static long minutes(Duration d) {
    long millis = Math.max(0, d.toMillis());
    return (millis + 59_999) / 60_000;
  }

  /**
   * Values for checking a template at load: every text has a quote, a backslash and a line break,
   * so a body that escapes them wrongly does not parse.
   */
  static Map<String, String> samples(List<String> names) {
    Map<String, String> v = new LinkedHashMap<>();
    for (String name : names) {
      v.put(name, NUMBERS.contains(name) ? "12" : "sample \"" + name + "\" \\ line\nbreak");
    }
    return v;
  }

  /** The placeholders a template names that are not in {@code known}, each once. */
  static List<String> unknown(String template, List<String> known) {
    Set<String> unknown = new LinkedHashSet<>();
    Matcher m = PLACEHOLDER.matcher(template == null ? "" : template);
    while (m.find()) {
      if (!known.contains(m.group(1))) {
        unknown.add(m.group(1));
      }
    }
    return List.copyOf(unknown);
  }

  /** The template with each placeholder replaced by its value, "" when the value is missing. */
  static String fill(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.containsKey(m.group(1)) ? values.get(m.group(1)) : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * A JSON text with its placeholders filled: inside a JSON string a value is escaped into it
   * ("" when missing); outside one it becomes a JSON value of its own (a quoted string, a number
   * for {@code durationMinutes}, null when missing), so a value can never change the document's
   * shape.
   */
  static String fillJson(String template, Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    boolean inString = false;
    boolean escaped = false;
    Matcher m = PLACEHOLDER.matcher(template);
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '{' && !escaped && m.find(i) && m.start() == i && values.containsKey(m.group(1))) {
        String value = values.get(m.group(1));
        if (inString) {
          out.append(value == null ? "" : escape(value));
        } else if (value == null) {
          out.append("null");
        } else if (NUMBERS.contains(m.group(1))) {
          out.append(value);
        } else {
          out.append('"').append(escape(value)).append('"');
        }
        i = m.end();
        continue;
      }
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  private static String escape(String value) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(value));
  }
}
