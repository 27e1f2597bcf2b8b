package dev.runbook.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.NotificationKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Load-time checks of what shapes and routes a channel's messages: the kinds it is limited to,
 * its templates, a webhook's body and headers, a status page's settings. Messages name the path
 * and the fix, and never a header's or key's value.
 */
final class ChannelChecks {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]+");
  /** Headers the channel sets itself, or the HTTP client does: an override would break delivery. */
  private static final Map<String, String> RESERVED = Map.of(
      "content-type", "the body is always JSON, sent as application/json",
      "idempotency-key", "it is the message's key, so the receiver can drop a repeat",
      "content-length", "it is computed from the body",
      "host", "it comes from url",
      "connection", "the HTTP client manages connections",
      "expect", "the HTTP client sets it",
      "upgrade", "the HTTP client sets it");

  private ChannelChecks() {}

  static String knownKinds() {
    return String.join(", ", Arrays.stream(NotificationKind.values()).map(Enum::name).toList());
  }

  /** The kind a name in configuration means (any case), if it is one. */
  static Optional<NotificationKind> kind(String name) {
    if (name == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(NotificationKind.valueOf(name.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static List<String> kinds(String path, List<String> kinds) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < kinds.size(); i++) {
      if (kind(kinds.get(i)).isEmpty()) {
        problems.add(path + "[" + i + "]: '" + kinds.get(i) + "' is not a kind of message: use "
            + knownKinds());
      }
    }
    return problems;
  }

  static List<String> templates(String path, Map<String, KindTemplate> templates) {
    List<String> problems = new ArrayList<>();
    templates.forEach((name, template) -> {
      if (kind(name).isEmpty()) {
        problems.add(path + "." + name + ": not a kind of message: use " + knownKinds());
      } else if (template == null) {
        problems.add(path + "." + name + ": empty: set title, body or both, or remove it");
      } else {
        problems.addAll(template.problems(path + "." + name));
      }
    });
    return problems;
  }

  /**
   * A webhook body must name only known placeholders and be JSON whatever the values are: it is
   * parsed once filled with awkward sample values and once with every value missing.
   */
  static List<String> webhookBody(String path, String body) {
    if (body == null) {
      return List.of();
    }
    if (body.isBlank()) {
      return List.of(path + ": empty: write the JSON document to send, or remove it to send"
          + " every field of the message");
    }
    List<String> unknown = Placeholders.unknown(body, Placeholders.WEBHOOK_BODY);
    if (!unknown.isEmpty()) {
      return List.of(path + ": unknown placeholder(s) " + KindTemplate.braced(unknown) + ": use "
          + KindTemplate.braced(Placeholders.WEBHOOK_BODY));
    }
    Map<String, String> missing = new HashMap<>();
    Placeholders.WEBHOOK_BODY.forEach(name -> missing.put(name, null));
    for (Map<String, String> values :
        List.of(Placeholders.samples(Placeholders.WEBHOOK_BODY), missing)) {
      try {
        JSON.readTree(Placeholders.fillJson(body, values));
      } catch (JsonProcessingException e) {
        return List.of(path + ": not valid JSON once filled in (" + e.getOriginalMessage()
            + "): write a JSON document; a placeholder inside quotes is escaped into the string,"
            + " one outside quotes becomes a JSON value of its own, e.g."
            + " {\"text\": \"{title}\", \"minutes\": {durationMinutes}}");
      }
    }
    return List.of();
  }

  static List<String> headers(String path, Map<String, Secret> headers, boolean hasToken) {
    List<String> problems = new ArrayList<>();
    headers.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!HEADER_NAME.matcher(name).matches()) {
        problems.add(path + "." + name + ": not a valid header name: use letters, digits and '-'");
      } else if (RESERVED.containsKey(lower)) {
        problems.add(path + "." + name + ": set by the channel itself (" + RESERVED.get(lower)
            + "): remove it");
      } else if (lower.equals("authorization") && hasToken) {
        problems.add(path + "." + name + ": token already sends Authorization: Bearer: remove"
            + " one of them");
      }
      if (value == null || value.isEmpty()) {
        problems.add(path + "." + name + ": empty: set its value or remove the header");
      } else if (value.reveal().indexOf('\n') >= 0 || value.reveal().indexOf('\r') >= 0) {
        // The value may be a secret: say what is wrong, never what it is.
        problems.add(path + "." + name + ": the value has a line break: a header is one line");
      }
    });
    return problems;
  }

  static List<String> statuspage(
      String path, String pageId, Secret apiKey, Map<String, String> components) {
    List<String> problems = new ArrayList<>();
    if (pageId == null || pageId.isBlank()) {
      problems.add(path + ".pageId: missing: set the page's ID (Statuspage: your page >"
          + " API info)");
    } else if (!ID.matcher(pageId).matches()) {
      problems.add(path + ".pageId: '" + pageId + "' is not a page ID: copy it from the page's"
          + " API info (letters and digits)");
    }
    if (apiKey == null || apiKey.isEmpty()) {
      problems.add(path + ".apiKey: missing: set it from an environment variable, e.g."
          + " ${STATUSPAGE_API_KEY} (Statuspage: your avatar > API info)");
    }
    components.forEach((service, id) -> {
      if (id == null || !ID.matcher(id).matches()) {
        problems.add(path + ".components." + service + ": '" + id + "' is not a component ID:"
            + " copy it from the component's page (letters and digits)");
      }
    });
    return problems;
  }

  /** The kinds of message that no channel in this list takes. */
  static List<NotificationKind> unreached(List<ChannelSettings> channels) {
    List<NotificationKind> none = new ArrayList<>();
    for (NotificationKind k : NotificationKind.values()) {
      if (channels.stream().noneMatch(c -> c != null && c.accepts(k))) {
        none.add(k);
      }
    }
    return none;
  }
}
