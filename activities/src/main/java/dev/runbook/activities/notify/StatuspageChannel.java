package dev.runbook.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.Severity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Atlassian Statuspage page: a run's first message opens an incident (its services' components
 * degraded, or in major outage for P0), later ones update it, and RESOLVED resolves it with the
 * components operational again. One incident per run, remembered in {@link StatuspageIncidents};
 * once resolved it is left alone. A drill's messages never reach the page: it is public.
 */
final class StatuspageChannel implements Channel {
  /** The public wording, after the source runbooks' status page texts; templates replace it. */
  static final Map<NotificationKind, KindTemplate> DEFAULTS = defaults();

  private static final Logger log = LoggerFactory.getLogger(StatuspageChannel.class);
  /** How far the page's clock may be behind ours when a lost create is looked for. */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final String name;
  private final String base;
  private final String pageId;
  private final Secret apiKey;
  private final Map<String, String> components;
  private final Duration timeout;
  private final JsonPost http;
  private final ObjectMapper json;
  private final StatuspageIncidents incidents;

  StatuspageChannel(String name, ChannelSettings settings, JsonPost http, ObjectMapper json,
      StatuspageIncidents incidents) {
    this.name = name;
    String url = settings.url() == null || settings.url().isEmpty()
        ? ChannelSettings.STATUSPAGE_API : settings.url().reveal().trim();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.pageId = settings.pageId();
    this.apiKey = settings.apiKey();
    this.components = settings.components();
    this.timeout = settings.effectiveTimeout();
    this.http = http;
    this.json = json;
    this.incidents = incidents;
  }

  private static Map<NotificationKind, KindTemplate> defaults() {
    KindTemplate investigating = new KindTemplate("Investigating issues with {services}",
        "We are currently experiencing {reason}. Our team is working on a resolution.\n\n"
            + "Affected: {services}\n\nUpdates will be posted here as we learn more.");
    KindTemplate identified = new KindTemplate("Issues with {services}",
        "We have identified the issue with {services} and are rolling back a recent deployment."
            + " Updates will be posted here as we learn more.");
    KindTemplate monitoring = new KindTemplate("Issues with {services}",
        "We rolled back a recent deployment of {services} and are monitoring the results.");
    Map<NotificationKind, KindTemplate> d = new EnumMap<>(NotificationKind.class);
    for (NotificationKind k : NotificationKind.values()) {
      d.put(k, switch (status(k)) {
        case "investigating" -> investigating;
        case "monitoring" -> monitoring;
        case "resolved" -> new KindTemplate("Resolved: {services}", "Resolved: we rolled back a"
            + " recent deployment that caused {reason}. Duration: {durationMinutes} minutes");
        default -> identified;
      });
    }
    return Map.copyOf(d);
  }

  /** The incident status a kind of message sets. */
  static String status(NotificationKind kind) {
    return switch (kind) {
      case STARTED, ARMED -> "investigating";
      case RESOLVED -> "resolved";
      case RECOVERED, REPORT -> "monitoring";
      default -> "identified";
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String describe() {
    return "status page channel '" + name + "'";
  }

  @Override
  public void deliver(Message message, Notification n) {
    if (DrillDrafts.rehearsed(n)) {
      log.info("channel {}: {} is a drill's; the public status page is not told", name, n.key());
      return;
    }
    String run = StatuspageIncidents.run(n);
    StatuspageIncidents.Opened opened = incidents.find(name, run).orElse(null);
    if (opened != null && opened.resolved()) {
      return;
    }
    String id = opened == null ? null : opened.incidentId();
    if (opened != null && id == null) {
      id = lostCreate(opened).orElse(null);
      if (id != null) {
        incidents.created(name, run, id);
      }
    }
    if (id != null && opened.createdByKey().equals(n.key())) {
      // This very message opened the incident; its retry has nothing more to say.
      return;
    }
    if (id == null) {
      incidents.creating(name, run, message.title(), n.key());
      JsonNode answer = call("POST", "/incidents", incident(message, n, true));
      id = answer.path("id").asText("");
      if (id.isEmpty()) {
        throw new DeliveryFailure(FailureType.INVALID_INPUT, prefix() + "the answer to the"
            + " incident's create has no id: check that notify.channels." + name
            + ".url is the Statuspage API (" + ChannelSettings.STATUSPAGE_API + ")");
      }
      incidents.created(name, run, id);
    } else {
      call("PATCH", "/incidents/" + id, incident(message, n, false));
    }
    if (n.kind() == NotificationKind.RESOLVED) {
      incidents.resolved(name, run);
    }
  }

  /**
   * The incident an earlier create opened when its answer never came: an incident with the
   * recorded name, created after that create was sent. Unresolved ones are looked at first; a
   * create that was itself the resolve (a run's first message on this page) made a resolved
   * incident, found by a search of the page's incidents by name.
   */
  private Optional<String> lostCreate(StatuspageIncidents.Opened o) {
    Optional<String> open = sentBy(o, call("GET", "/incidents/unresolved", null));
    if (open.isPresent()) {
      return open;
    }
    String q = URLEncoder.encode(o.name(), StandardCharsets.UTF_8);
    return sentBy(o, call("GET", "/incidents?q=" + q + "&limit=100", null));
  }

  private Optional<String> sentBy(StatuspageIncidents.Opened o, JsonNode found) {
    Instant since = o.createSentAt().minus(CLOCK_SKEW);
    for (JsonNode incident : found) {
      String id = incident.path("id").asText("");
      if (!id.isEmpty() && o.name().equals(incident.path("name").asText())
          && createdAt(incident).map(t -> !t.isBefore(since)).orElse(true)) {
        log.info("channel {}: found incident {} that a create whose answer was lost opened",
            name, id);
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }

  private static Optional<Instant> createdAt(JsonNode incident) {
    try {
      return Optional.of(OffsetDateTime.parse(incident.path("created_at").asText()).toInstant());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The request body: {@code {"incident": {...}}} as the Statuspage incidents API takes it. */
  private String incident(Message message, Notification n, boolean create) {
    ObjectNode incident = json.createObjectNode();
    if (create) {
      incident.put("name", message.title());
    }
    String status = status(n.kind());
    incident.put("status", status);
    incident.put("body", message.text().strip());
    Set<String> ids = componentIds(n);
    if (create) {
      ids.forEach(incident.putArray("component_ids")::add);
    }
    if (create || status.equals("resolved")) {
      ObjectNode states = incident.putObject("components");
      String state = status.equals("resolved") ? "operational"
          : n.severity() == Severity.P0 ? "major_outage" : "degraded_performance";
      ids.forEach(id -> states.put(id, state));
    }
    ObjectNode doc = json.createObjectNode();
    doc.set("incident", incident);
    try {
      return json.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("incident is not serializable", e);
    }
  }

  /** The page's components for the run's services; a service not listed has none. */
  private Set<String> componentIds(Notification n) {
    Set<String> ids = new LinkedHashSet<>();
    for (String service : n.services() == null ? List.<String>of() : n.services()) {
      if (components.containsKey(service)) {
        ids.add(components.get(service));
      }
    }
    return ids;
  }

  private JsonNode call(String method, String path, String body) {
    Secret url = Secret.of(base + "/pages/" + pageId + path);
    JsonPost.Response r = http.send(name, method, url,
        Map.of("Authorization", "OAuth " + apiKey.reveal()), body, timeout, List.of(apiKey));
    if (r.ok()) {
      try {
        return json.readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
      } catch (JsonProcessingException e) {
        throw new DeliveryFailure(FailureType.INVALID_INPUT, prefix() + "the answer to " + method
            + " is not JSON: check that notify.channels." + name + ".url is the Statuspage API");
      }
    }
    int s = r.status();
    String answer = "Statuspage answered " + s + " to " + method
        + JsonPost.snippet(r.body(), url, List.of(apiKey));
    if (s == 408 || s == 420 || s == 429 || s >= 500) {
      throw new DeliveryFailure(FailureType.UNAVAILABLE,
          prefix() + answer + ": Statuspage is busy or down; a retry sends it again");
    }
    if (s == 401 || s == 403) {
      throw new DeliveryFailure(FailureType.BAD_CREDENTIALS, prefix() + answer
          + ": the API key was refused; set a valid key of a user who manages incidents on the"
          + " page in notify.channels." + name + ".apiKey");
    }
    if (s == 404) {
      throw new DeliveryFailure(FailureType.INVALID_INPUT, prefix() + answer
          + ": no such page or incident; check notify.channels." + name + ".pageId");
    }
    throw new DeliveryFailure(FailureType.INVALID_INPUT, prefix() + answer
        + ": Statuspage refused the incident; check notify.channels." + name + ".components"
        + " (component IDs of this page)");
  }

  private String prefix() {
    return "channel '" + name + "' (statuspage): ";
  }
}
