package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.Samples.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.Secret;
import dev.runbook.activities.notify.RecordingServer.Received;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import io.temporal.failure.ApplicationFailure;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A webhook with its own JSON body and extra headers, against a real HTTP server. */
class WebhookBodyTest {
  private static final String HEADER_SECRET = "team-secret-42abc";
  private static final String BODY = "{\"summary\": \"{title}\", \"why\": \"{reason}\","
      + " \"minutes\": {durationMinutes}, \"run\": \"{workflowId}\", \"eta\": {eta},"
      + " \"incident\": {incidentId}, \"tags\": [\"{service}\", \"{kind}\"]}";

  private static NotifyActivitiesImpl notifier(ChannelSettings hook) {
    return new NotifyActivitiesImpl(
        new NotifySettings(Map.of("hook", hook),
            new Routing(Routing.Route.of(List.of("hook")), null, null)),
        new InMemoryDeliveryLog(), new PrintStream(OutputStream.nullOutputStream()),
        JsonPost.defaultClient());
  }

  private static ChannelSettings hook(RecordingServer server) {
    return ChannelSettings.webhook(server.url("/hook"), null)
        .withBody(BODY, Map.of("X-Team-Key", Secret.of(HEADER_SECRET)));
  }

  /** RESOLVED after 12m30s, for a reason with quotes and a backslash in it. */
  private static Notification quotedReason() {
    Notification n = notification(NotificationKind.RESOLVED, "rollback-api/resolved",
        "1.4.0 -> 1.3.2", Duration.ofSeconds(750));
    return new Notification(n.key(), n.kind(), n.audience(), n.target(), n.workflowId(),
        n.runbook(), n.severity(), n.services(), "table \"orders\" locked by C:\\migrate",
        n.requestedBy(), null, n.detail(), n.duration(), n.eta(), false, null);
  }

  @Test
  void theBodyArrivesExactlyAsConfiguredWithValuesEscapedAndTheExtraHeader() throws Exception {
    try (RecordingServer server = RecordingServer.answering("/hook", 200, "ok")) {
      notifier(hook(server)).send(quotedReason());

      Received got = server.received().get(0);
      assertThat(got.body()).isEqualTo("{\"summary\": \"Resolved: api rolled back (P1)\","
          + " \"why\": \"table \\\"orders\\\" locked by C:\\\\migrate\", \"minutes\": 13,"
          + " \"run\": \"rollback-api\", \"eta\": \"10m\", \"incident\": null,"
          + " \"tags\": [\"api\", \"RESOLVED\"]}");
      assertThat(new ObjectMapper().readTree(got.body()).get("why").asText())
          .isEqualTo("table \"orders\" locked by C:\\migrate");
      assertThat(got.header("X-Team-Key")).isEqualTo(HEADER_SECRET);
      assertThat(got.header("Idempotency-Key")).isEqualTo("rollback-api/resolved");
      assertThat(got.header("Content-Type")).startsWith("application/json");
    }
  }

  @Test
  void aRefusalQuotingAHeaderValueIsReportedWithoutIt() {
    try (RecordingServer server =
        RecordingServer.answering("/hook", 401, "bad X-Team-Key " + HEADER_SECRET)) {
      assertThatThrownBy(() -> notifier(hook(server)).send(quotedReason()))
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.getType()).isEqualTo("BAD_CREDENTIALS");
            assertThat(f.getOriginalMessage())
                .contains("notify.channels.hook.token and .headers")
                .doesNotContain(HEADER_SECRET);
          });
    }
  }

  @Test
  void aBodyOrHeaderThatCannotWorkIsRefusedAtLoadWithoutQuotingValues() {
    Map<String, Secret> headers = new LinkedHashMap<>();
    headers.put("Content-Type", Secret.of("text/plain"));
    headers.put("idempotency-key", Secret.of("fixed"));
    headers.put("Authorization", Secret.of("Basic " + HEADER_SECRET));
    headers.put("X-Multi", Secret.of(HEADER_SECRET + "\nX-Injected: 1"));
    ChannelSettings bad = ChannelSettings.webhook(Secret.of("https://hooks.example/x"),
        Secret.of("tok-12345678")).withBody("{\"text\": {title}, \"oops\": }", headers);
    List<String> problems = bad.problems("notify.channels.hook");

    assertThat(problems).hasSize(5);
    assertThat(problems.get(0)).startsWith("notify.channels.hook.body: not valid JSON once"
        + " filled in (");
    assertThat(problems.subList(1, 5)).containsExactly(
        "notify.channels.hook.headers.Content-Type: set by the channel itself (the body is always"
            + " JSON, sent as application/json): remove it",
        "notify.channels.hook.headers.idempotency-key: set by the channel itself (it is the"
            + " message's key, so the receiver can drop a repeat): remove it",
        "notify.channels.hook.headers.Authorization: token already sends Authorization: Bearer:"
            + " remove one of them",
        "notify.channels.hook.headers.X-Multi: the value has a line break: a header is one line");
    assertThat(String.join("\n", problems)).doesNotContain(HEADER_SECRET);

    List<String> unknown = ChannelChecks.webhookBody("b", "{\"text\": \"{secret}\"}");
    assertThat(unknown).hasSize(1);
    assertThat(unknown.get(0)).startsWith("b: unknown placeholder(s) {secret}: use {service}")
        .endsWith("{kind}, {title}, {text}");
    assertThat(ChannelChecks.webhookBody("b", BODY)).isEmpty();
  }

  @Test
  void placeholdersInsideStringsAreEscapedAndOutsideBecomeValues() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("reason", "a \"b\"\n");
    values.put("durationMinutes", "7");
    values.put("detail", null);
    assertThat(Placeholders.fillJson(
        "{\"r\": \"why: {reason}\", \"m\": {durationMinutes}, \"d\": {detail}, \"e\": \"{detail}\","
            + " \"lit\": \"\\\"{kept}\", \"r2\": {reason}}", values))
        .isEqualTo("{\"r\": \"why: a \\\"b\\\"\\n\", \"m\": 7, \"d\": null, \"e\": \"\","
            + " \"lit\": \"\\\"{kept}\", \"r2\": \"a \\\"b\\\"\\n\"}");
  }
}
