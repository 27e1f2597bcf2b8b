package dev.runbook.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Slack incoming webhook: POST {@code {"text": ..., "blocks": [...]}}. Slack has no idempotency
 * key for webhooks, so the delivery log is what keeps a retry from posting twice.
 */
final class SlackChannel implements Channel {
  private final String name;
  private final Secret url;
  private final Duration timeout;
  private final JsonPost http;
  private final ObjectMapper json;

  SlackChannel(String name, ChannelSettings settings, JsonPost http, ObjectMapper json) {
    this.name = name;
    this.url = settings.url();
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
    return "Slack channel '" + name + "'";
  }

  @Override
  public void deliver(Message message, Notification notification) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("text", MessageTemplates.slackFallback(message));
    payload.put("blocks", message.blocks());
    String body;
    try {
      body = json.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Slack payload is not serializable", e);
    }
    JsonPost.Response r = http.send(name, "POST", url, Map.of(), body, timeout, List.of());
    if (r.ok()) {
      return;
    }
    int s = r.status();
    String answer = "Slack answered " + s + JsonPost.snippet(r.body(), url, List.of());
    String prefix = "channel '" + name + "' (slack): ";
    if (s == 408 || s == 429 || s >= 500) {
      throw new DeliveryFailure(FailureType.UNAVAILABLE,
          prefix + answer + ": Slack is busy or down; a retry sends it again");
    }
    if (s == 401 || s == 403 || s == 404 || s == 410) {
      // no_service, invalid_token, channel_not_found, channel_is_archived: the webhook is dead.
      throw new DeliveryFailure(FailureType.BAD_CREDENTIALS, prefix + answer
          + ": the webhook URL is wrong or revoked, or its Slack channel is gone; create a new"
          + " incoming webhook and set it in notify.channels." + name + ".url");
    }
    throw new DeliveryFailure(FailureType.INVALID_INPUT, prefix + answer
        + ": Slack refused the message; check that notify.channels." + name
        + ".url is a Slack incoming webhook");
  }
}
