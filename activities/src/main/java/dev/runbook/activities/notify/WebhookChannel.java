package dev.runbook.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generic JSON webhook: every field of the notification plus the rendered title and text, or the
 * configured {@code body} filled in, with an {@code Idempotency-Key} header so the receiver can
 * drop a repeat, an optional bearer token and any extra {@code headers}. Header values may be
 * secrets: they are scrubbed from every failure text like the token.
 */
final class WebhookChannel implements Channel {
  private final String name;
  private final Secret url;
  private final Secret token;
  private final String body;
  private final Map<String, Secret> headers;
  private final List<Secret> secrets;
  private final Duration timeout;
  private final JsonPost http;
  private final ObjectMapper json;

  WebhookChannel(String name, ChannelSettings settings, JsonPost http, ObjectMapper json) {
    this.name = name;
    this.url = settings.url();
    this.token = settings.token() == null || settings.token().isEmpty() ? null : settings.token();
    this.body = settings.body();
    this.headers = settings.headers();
    List<Secret> all = new ArrayList<>(headers.values());
    if (token != null) {
      all.add(token);
    }
    this.secrets = List.copyOf(all);
    this.timeout = settings.effectiveTimeout();
    this.http = http;
    this.json = json;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String describe() {
    return "webhook channel '" + name + "'";
  }

  /** The document the receiver gets; durations in whole seconds. */
  ObjectNode document(Message message, Notification n) {
    ObjectNode doc = json.createObjectNode();
    doc.put("key", n.key());
    doc.put("kind", n.kind() == null ? null : n.kind().name());
    doc.put("audience", n.audience() == null ? null : n.audience().name());
    doc.put("target", n.target());
    doc.put("workflowId", n.workflowId());
    doc.put("runbook", n.runbook() == null ? null : n.runbook().id());
    doc.put("severity", n.severity() == null ? null : n.severity().name());
    ArrayNode services = doc.putArray("services");
    if (n.services() != null) {
      n.services().forEach(services::add);
    }
    doc.put("reason", n.reason());
    doc.put("requestedBy", n.requestedBy());
    doc.put("incidentId", n.incidentId());
    doc.put("detail", n.detail());
    doc.put("durationSeconds", n.duration() == null ? null : n.duration().toSeconds());
    doc.put("etaSeconds", n.eta() == null ? null : n.eta().toSeconds());
    doc.put("dryRun", n.dryRun());
    doc.put("title", message.title());
    doc.put("text", message.text());
    return doc;
  }

  /** The configured body filled in from the notification and the message, or the document. */
  String payload(Message message, Notification n) {
    if (body != null) {
      Map<String, String> values = Placeholders.values(n);
      values.put("title", message.title());
      values.put("text", message.text());
      return Placeholders.fillJson(body, values);
    }
    try {
      return json.writeValueAsString(document(message, n));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("webhook document is not serializable", e);
    }
  }

  @Override
  public void deliver(Message message, Notification notification) {
    Map<String, String> sent = new LinkedHashMap<>();
    headers.forEach((header, value) -> sent.put(header, value.reveal()));
    sent.put("Idempotency-Key", notification.key());
    if (token != null) {
      sent.put("Authorization", "Bearer " + token.reveal());
    }
    JsonPost.Response r = http.send(
        name, "POST", url, sent, payload(message, notification), timeout, secrets);
    if (r.ok()) {
      return;
    }
    int s = r.status();
    String answer = "the receiver answered " + s + JsonPost.snippet(r.body(), url, secrets);
    String prefix = "channel '" + name + "' (webhook): ";
    // 409 and 425: the receiver is still working on the same Idempotency-Key.
    if (s == 408 || s == 409 || s == 425 || s == 429 || s >= 500) {
      throw new DeliveryFailure(FailureType.UNAVAILABLE,
          prefix + answer + ": the receiver is busy or down; a retry sends it again");
    }
    if (s == 401 || s == 403) {
      throw new DeliveryFailure(FailureType.BAD_CREDENTIALS, prefix + answer
          + ": the receiver refused the credentials; check notify.channels." + name + ".token"
          + (headers.isEmpty() ? "" : " and .headers"));
    }
    if (s == 404 || s == 410) {
      throw new DeliveryFailure(FailureType.INVALID_INPUT, prefix + answer
          + ": nothing receives at the configured address; fix notify.channels." + name + ".url");
    }
    throw new DeliveryFailure(FailureType.INVALID_INPUT, prefix + answer
        + ": the receiver refused the document; check what it expects at notify.channels."
        + name + ".url");
  }
}
