package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.Samples.notification;
import static dev.runbook.activities.notify.Samples.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.Secret;
import dev.runbook.activities.notify.RecordingServer.Answer;
import dev.runbook.activities.notify.RecordingServer.Received;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.NotifyResult;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slack and webhook channels against real HTTP servers, with the delivery log in PostgreSQL. */
class HttpChannelsTest {
  private static final String SLACK_PATH = "/services/T01/B02/";
  private static final String SLACK_TOKEN = "s3cr3tT0kenXYZ";
  private static final String BEARER = "tok-abcdef123456";
  private final ObjectMapper json = new ObjectMapper();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private HikariDataSource db;

  @BeforeEach
  void freshDatabase() {
    db = TestStore.fresh();
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  private NotifyActivitiesImpl notifier(Map<String, ChannelSettings> channels) {
    NotifySettings settings = new NotifySettings(channels,
        new Routing(Routing.Route.of(List.copyOf(channels.keySet())), null, null));
    return new NotifyActivitiesImpl(settings, new JdbcDeliveryLog(db),
        new PrintStream(console, true, StandardCharsets.UTF_8), JsonPost.defaultClient());
  }

  private static Map<String, ChannelSettings> channels(Object... namesAndSettings) {
    Map<String, ChannelSettings> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndSettings.length; i += 2) {
      m.put((String) namesAndSettings[i], (ChannelSettings) namesAndSettings[i + 1]);
    }
    return m;
  }

  private static Secret slackUrl(RecordingServer slack) {
    return slack.url(SLACK_PATH + SLACK_TOKEN);
  }

  private int deliveries(String key) throws Exception {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(
            "select count(*) from notification_deliveries where idempotency_key = ?")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void slackReceivesTextAndBlocksWithTheTemplateFacts() throws Exception {
    try (RecordingServer slack = RecordingServer.answering(SLACK_PATH, 200, "ok")) {
      NotifyResult r = notifier(channels("ops", ChannelSettings.slack(slackUrl(slack))))
          .send(started("rollback-api/started"));

      assertThat(r.deliveredTo()).containsExactly("ops");
      assertThat(r.skipped()).isEmpty();
      assertThat(r.planned()).containsExactly(
          "sent STARTED \"ROLLBACK IN PROGRESS: api (P1)\" to Slack channel 'ops'");
      assertThat(slack.received()).hasSize(1);
      Received got = slack.received().get(0);
      assertThat(got.method()).isEqualTo("POST");
      assertThat(got.path()).isEqualTo(SLACK_PATH + SLACK_TOKEN);
      assertThat(got.header("Content-Type")).startsWith("application/json");
      JsonNode body = json.readTree(got.body());
      assertThat(body.get("text").asText()).contains("ROLLBACK IN PROGRESS: api (P1)",
          "Who: alice", "Why: error rate 12% after deploy 1.4.0", "Severity: P1",
          "Incident: INC-42", "ETA: 10m");
      JsonNode blocks = body.get("blocks");
      assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
      assertThat(blocks.get(0).get("text").get("text").asText())
          .isEqualTo("ROLLBACK IN PROGRESS: api (P1)");
      assertThat(blocks.get(1).get("text").get("text").asText())
          .contains("*Who:* alice", "*Services:* api");
      assertThat(deliveries("rollback-api/started")).isEqualTo(1);
    }
  }

  @Test
  void webhookReceivesEveryFieldWithTheIdempotencyKeyAndBearerToken() throws Exception {
    try (RecordingServer hook = RecordingServer.answering("/hook", 204, "")) {
      var resolved = notification(NotificationKind.RESOLVED, "rollback-api/resolved",
          "1.4.0 -> 1.3.2", Duration.ofSeconds(252));
      notifier(channels("pager",
          ChannelSettings.webhook(hook.url("/hook"), Secret.of(BEARER)))).send(resolved);

      assertThat(hook.received()).hasSize(1);
      Received got = hook.received().get(0);
      assertThat(got.header("Idempotency-Key")).isEqualTo("rollback-api/resolved");
      assertThat(got.header("Authorization")).isEqualTo("Bearer " + BEARER);
      JsonNode doc = json.readTree(got.body());
      assertThat(doc.get("key").asText()).isEqualTo("rollback-api/resolved");
      assertThat(doc.get("kind").asText()).isEqualTo("RESOLVED");
      assertThat(doc.get("severity").asText()).isEqualTo("P1");
      assertThat(doc.get("services").get(0).asText()).isEqualTo("api");
      assertThat(doc.get("reason").asText()).isEqualTo("error rate 12% after deploy 1.4.0");
      assertThat(doc.get("detail").asText()).isEqualTo("1.4.0 -> 1.3.2");
      assertThat(doc.get("durationSeconds").asLong()).isEqualTo(252);
      assertThat(doc.get("workflowId").asText()).isEqualTo("rollback-api");
      assertThat(doc.get("incidentId").asText()).isEqualTo("INC-42");
      assertThat(doc.get("requestedBy").asText()).isEqualTo("alice");
      assertThat(doc.get("runbook").asText()).isEqualTo("emergency");
      assertThat(doc.get("dryRun").asBoolean()).isFalse();
      assertThat(doc.get("title").asText()).isEqualTo("Resolved: api rolled back (P1)");
      assertThat(doc.get("text").asText()).contains("Rolled back: 1.4.0 -> 1.3.2",
          "Duration: 4m12s");
    }
  }

  @Test
  void theSameNotificationSentTwiceArrivesOnceOnEveryChannel() throws Exception {
    try (RecordingServer slack = RecordingServer.answering(SLACK_PATH, 200, "ok");
        RecordingServer hook = RecordingServer.answering("/hook", 200, "{}")) {
      NotifyActivitiesImpl notifier = notifier(channels(
          "ops", ChannelSettings.slack(slackUrl(slack)),
          "pager", ChannelSettings.webhook(hook.url("/hook"), null)));

      NotifyResult first = notifier.send(started("rollback-api/started"));
      NotifyResult second = notifier.send(started("rollback-api/started"));

      assertThat(first.deliveredTo()).containsExactly("ops", "pager");
      assertThat(second.deliveredTo()).isEmpty();
      assertThat(second.skipped()).containsExactly("ops", "pager");
      assertThat(second.planned()).containsExactly(
          "skipped Slack channel 'ops': it already has rollback-api/started",
          "skipped webhook channel 'pager': it already has rollback-api/started");
      assertThat(slack.received()).hasSize(1);
      assertThat(hook.received()).hasSize(1);
      assertThat(deliveries("rollback-api/started")).isEqualTo(2);

      // Another message of the same run is not mistaken for the first.
      notifier.send(notification(NotificationKind.RESOLVED, "rollback-api/resolved", "1.4.0 ->"
          + " 1.3.2", Duration.ofMinutes(4)));
      assertThat(slack.received()).hasSize(2);
      assertThat(hook.received()).hasSize(2);
    }
  }

  @Test
  void aFailingChannelDoesNotStopTheOthersAndTheRetrySendsOnlyToIt() throws Exception {
    try (RecordingServer good = RecordingServer.answering("/good", 200, "{}");
        RecordingServer flaky = RecordingServer.start("/flaky",
            new Answer(503, "busy"), new Answer(200, "{}"))) {
      NotifyActivitiesImpl notifier = notifier(channels(
          "flaky", ChannelSettings.webhook(flaky.url("/flaky"), null),
          "good", ChannelSettings.webhook(good.url("/good"), null)));

      assertThatThrownBy(() -> notifier.send(started("k1")))
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.isNonRetryable()).isFalse();
            assertThat(f.getType()).isEqualTo("UNAVAILABLE");
            assertThat(f.getOriginalMessage())
                .contains("not delivered to 1 channel(s): channel 'flaky' (webhook): the"
                    + " receiver answered 503 busy")
                .contains("Delivered to good")
                .contains("A retry sends only to the channels that failed.");
          });
      NotifyResult retry = notifier.send(started("k1"));

      assertThat(retry.deliveredTo()).containsExactly("flaky");
      assertThat(retry.skipped()).containsExactly("good");
      assertThat(good.received()).hasSize(1);
      assertThat(flaky.answeredWith(200)).hasSize(1);
      assertThat(deliveries("k1")).isEqualTo(2);
    }
  }

  @Test
  void slackAnswering404IsPermanentAndTheMessageHoldsNeitherTheUrlNorItsToken()
      throws Exception {
    try (RecordingServer slack = RecordingServer.answering(SLACK_PATH, 404, "no_service")) {
      Secret url = slackUrl(slack);
      NotifyActivitiesImpl notifier = notifier(channels("ops", ChannelSettings.slack(url)));

      assertThatThrownBy(() -> notifier.send(started("k404")))
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.isNonRetryable()).isTrue();
            assertThat(f.getType()).isEqualTo("BAD_CREDENTIALS");
            assertThat(f.getOriginalMessage())
                .contains("channel 'ops' (slack): Slack answered 404 no_service",
                    "set it in notify.channels.ops.url")
                .doesNotContain(url.reveal(), SLACK_TOKEN, SLACK_PATH);
            assertThat(f.getMessage()).doesNotContain(SLACK_TOKEN);
          });
      assertThat(slack.received()).hasSize(1);
      assertThat(deliveries("k404")).isZero();
    }
  }

  @Test
  void aPeerQuotingTheTokenBackHasItScrubbedFromTheError() {
    try (RecordingServer slack = RecordingServer.answering(SLACK_PATH, 403,
        "invalid_token " + SLACK_TOKEN + " at " + SLACK_PATH + SLACK_TOKEN)) {
      NotifyActivitiesImpl notifier =
          notifier(channels("ops", ChannelSettings.slack(slackUrl(slack))));

      assertThatThrownBy(() -> notifier.send(started("k403")))
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.isNonRetryable()).isTrue();
            assertThat(f.getOriginalMessage()).contains("Slack answered 403 invalid_token ****")
                .doesNotContain(SLACK_TOKEN);
          });
    }
  }

  @Test
  void slackAnswering503IsRetryableAndRecordsNothing() throws Exception {
    try (RecordingServer slack = RecordingServer.answering(SLACK_PATH, 503, "")) {
      NotifyActivitiesImpl notifier =
          notifier(channels("ops", ChannelSettings.slack(slackUrl(slack))));

      assertThatThrownBy(() -> notifier.send(started("k503")))
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.isNonRetryable()).isFalse();
            assertThat(f.getType()).isEqualTo("UNAVAILABLE");
            assertThat(f.getOriginalMessage()).contains("channel 'ops' (slack): Slack answered"
                + " 503: Slack is busy or down; a retry sends it again");
          });
      assertThat(deliveries("k503")).isZero();
    }
  }

  @Test
  void aWebhookRefusingTheTokenIsPermanentAndDoesNotLeakIt() {
    try (RecordingServer hook = RecordingServer.answering("/hook", 401, "bad token " + BEARER)) {
      NotifyActivitiesImpl notifier = notifier(channels("pager",
          ChannelSettings.webhook(hook.url("/hook"), Secret.of(BEARER))));

      assertThatThrownBy(() -> notifier.send(started("k401")))
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.isNonRetryable()).isTrue();
            assertThat(f.getType()).isEqualTo("BAD_CREDENTIALS");
            assertThat(f.getOriginalMessage())
                .contains("channel 'pager' (webhook): the receiver answered 401 bad token ****",
                    "check notify.channels.pager.token")
                .doesNotContain(BEARER);
          });
    }
  }

  @Test
  void anUnreachableReceiverIsRetryableAndNamedByChannel() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Secret url = Secret.of("http://127.0.0.1:" + closedPort + "/hook/s3cr3tPathToken");
    NotifyActivitiesImpl notifier =
        notifier(channels("pager", ChannelSettings.webhook(url, null)));

    assertThatThrownBy(() -> notifier.send(started("kdown")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getType()).isEqualTo("UNAVAILABLE");
          assertThat(f.getOriginalMessage())
              .contains("channel 'pager': could not reach the receiver (ConnectException")
              .doesNotContain("s3cr3tPathToken", url.reveal());
        });
  }

  @Test
  void aDryRunPlansEveryChannelAndSendsAndRecordsNothing() throws Exception {
    try (RecordingServer slack = RecordingServer.answering(SLACK_PATH, 200, "ok");
        RecordingServer hook = RecordingServer.answering("/hook", 200, "{}")) {
      NotifyActivitiesImpl notifier = notifier(channels(
          "ops", ChannelSettings.slack(slackUrl(slack)),
          "pager", ChannelSettings.webhook(hook.url("/hook"), Secret.of(BEARER)),
          "leads", ChannelSettings.email("127.0.0.1", 1, "runbook@example.com",
              List.of("lead@example.com"), "runbook", Secret.of("smtp-pw-123"), true),
          "local", ChannelSettings.console()));

      NotifyResult r = notifier.send(Samples.dryRun(started("kdry")));

      String title = "\"DRY RUN: rollback of api being planned (P1)\"";
      assertThat(r.planned()).containsExactly(
          "would send STARTED " + title + " to Slack channel 'ops'",
          "would send STARTED " + title + " to webhook channel 'pager'",
          "would send STARTED " + title + " to email channel 'leads' (to lead@example.com)",
          "would send STARTED " + title + " to console channel 'local'");
      assertThat(String.join("\n", r.planned()))
          .doesNotContain(SLACK_TOKEN, BEARER, "smtp-pw-123", "127.0.0.1");
      assertThat(r.deliveredTo()).isEmpty();
      assertThat(r.skipped()).isEmpty();
      assertThat(slack.received()).isEmpty();
      assertThat(hook.received()).isEmpty();
      assertThat(console.toString(StandardCharsets.UTF_8)).isEmpty();
      assertThat(deliveries("kdry")).isZero();
    }
  }

  @Test
  void aNotificationWithoutAKeyIsRefused() {
    NotifyActivitiesImpl notifier = notifier(channels("local", ChannelSettings.console()));
    assertThatThrownBy(() -> notifier.send(started(" ")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getType()).isEqualTo("INVALID_INPUT");
        });
    assertThat(console.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void invalidSettingsAreRefusedAtConstructionWithEveryProblem() {
    NotifySettings bad = new NotifySettings(
        Map.of("ops", ChannelSettings.slack(Secret.of("not-a-url-s3cr3t"))),
        new Routing(Routing.Route.of(List.of("opz")), null, null));
    assertThatThrownBy(() -> new NotifyActivitiesImpl(bad, new InMemoryDeliveryLog()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("notify.channels.ops.url: not a valid http(s) URL")
        .hasMessageContaining("notify.routing.team.channels[0]: no channel named 'opz'")
        .message().doesNotContain("s3cr3t");
  }
}
