package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.Samples.notification;
import static dev.runbook.activities.notify.Samples.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.Secret;
import dev.runbook.activities.notify.FakeStatuspage.Call;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.activities.NotifyActivities.NotifyResult;
import dev.runbook.workflows.model.Severity;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The statuspage channel against a local fake of the Statuspage API, with the run's incident
 * remembered in PostgreSQL: one incident per run, created once even when an answer is lost.
 */
class StatuspageChannelTest {
  private static final String KEY = "sp-key-7f3a9c21";
  private static final String INCIDENTS = "/v1/pages/" + FakeStatuspage.PAGE + "/incidents";
  private static final String REASON = "error rate 12% after deploy 1.4.0";
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private HikariDataSource db;
  private FakeStatuspage page;

  @BeforeEach
  void start() {
    db = TestStore.fresh();
    page = new FakeStatuspage(KEY);
  }

  @AfterEach
  void stop() {
    page.close();
    db.close();
  }

  private ChannelSettings status(String apiKey) {
    return ChannelSettings.statuspage(page.url(), FakeStatuspage.PAGE, Secret.of(apiKey),
            Map.of("api", "cmpapi01"))
        .onlyFor(List.of("STARTED", "RESOLVED"));
  }

  /** A worker's notifier: the team hears on the console and the status page; state in the db. */
  private NotifyActivitiesImpl notifier(ChannelSettings status, DeliveryLog deliveries) {
    Map<String, ChannelSettings> channels = new LinkedHashMap<>();
    channels.put("local", ChannelSettings.console());
    channels.put("status", status);
    NotifySettings settings = new NotifySettings(channels,
        new Routing(Routing.Route.of(List.of("local", "status")), null, null));
    return new NotifyActivitiesImpl(settings, deliveries, new JdbcStatuspageIncidents(db),
        new PrintStream(console, true, StandardCharsets.UTF_8), JsonPost.defaultClient());
  }

  private NotifyActivitiesImpl notifier() {
    return notifier(status(KEY), new JdbcDeliveryLog(db));
  }

  private static Notification resolved() {
    return notification(NotificationKind.RESOLVED, "rollback-api/run-1/resolved", "api 1.4.0 -> 1.3.2",
        Duration.ofMinutes(12));
  }

  @Test
  void oneRunOpensOneIncidentAndResolvesItWhileOtherKindsStayOffThePage() throws Exception {
    notifier().send(started("rollback-api/run-1/started"));
    NotifyResult asked = notifier().send(Samples.to(
        notification(NotificationKind.APPROVAL_REQUESTED, "rollback-api/run-1/approval", null, null),
        Audience.APPROVERS, "engineering-lead"));
    NotifyResult approved = notifier().send(
        notification(NotificationKind.APPROVED, "rollback-api/run-1/approved", "bob approved", null));
    // Resolved by a worker started afresh: the incident's ID comes from the database.
    NotifyResult done = notifier().send(resolved());

    assertThat(asked.deliveredTo()).containsExactly("local");
    assertThat(approved.deliveredTo()).containsExactly("local");
    assertThat(done.deliveredTo()).containsExactly("local", "status");
    assertThat(done.planned()).contains(
        "sent RESOLVED \"Resolved: api\" to status page channel 'status'");
    List<Call> changes = page.changes();
    assertThat(changes).extracting(c -> c.method() + " " + c.path())
        .containsExactly("POST " + INCIDENTS, "PATCH " + INCIDENTS + "/inc1");
    assertThat(page.calls()).allSatisfy(c -> assertThat(c.authorization()).isEqualTo("OAuth " + KEY));

    var create = changes.get(0).incident();
    assertThat(create.path("name").asText()).isEqualTo("Investigating issues with api");
    assertThat(create.path("status").asText()).isEqualTo("investigating");
    assertThat(create.path("body").asText()).isEqualTo("We are currently experiencing " + REASON
        + ". Our team is working on a resolution.\n\nAffected: api\n\n"
        + "Updates will be posted here as we learn more.");
    assertThat(create.path("component_ids").toString()).isEqualTo("[\"cmpapi01\"]");
    assertThat(create.path("components").toString())
        .isEqualTo("{\"cmpapi01\":\"degraded_performance\"}");

    var resolve = changes.get(1).incident();
    assertThat(resolve.path("status").asText()).isEqualTo("resolved");
    assertThat(resolve.path("body").asText()).isEqualTo("Resolved: we rolled back a recent"
        + " deployment that caused " + REASON + ". Duration: 12 minutes");
    assertThat(resolve.path("components").toString())
        .isEqualTo("{\"cmpapi01\":\"operational\"}");
    assertThat(resolve.has("name")).isFalse();

    assertThat(page.incidents()).singleElement()
        .satisfies(i -> assertThat(i.path("status").asText()).isEqualTo("resolved"));
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("Approval needed", "Approved: rollback of api goes on");
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select channel, run, incident_id,"
            + " resolved_at is not null from statuspage_incidents")) {
      assertThat(rs.next()).isTrue();
      assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3)))
          .containsExactly("status", Samples.RUN + "/run-1", "inc1");
      assertThat(rs.getBoolean(4)).isTrue();
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void aMessageSentAgainAfterItsDeliveryRecordWasLostChangesNothingOnThePage() {
    notifier().send(started("rollback-api/run-1/started"));
    // The worker died after the create and before recording the delivery: the retry finds the
    // incident it opened in the database and sends nothing.
    NotifyResult again = notifier(status(KEY), new InMemoryDeliveryLog())
        .send(started("rollback-api/run-1/started"));

    assertThat(again.deliveredTo()).containsExactly("local", "status");
    assertThat(page.calls()).hasSize(1);
    assertThat(page.incidents()).hasSize(1);
  }

  @Test
  void aRetriedCreateWhoseAnswerWasLostFindsTheIncidentInsteadOfOpeningASecond() {
    ChannelSettings impatient = status(KEY).withTimeout(Duration.ofMillis(300));
    page.answerCreatesAfter(1500);
    assertThatThrownBy(() -> notifier(impatient, new JdbcDeliveryLog(db))
            .send(started("rollback-api/run-1/started")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo("UNAVAILABLE");
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getOriginalMessage()).contains("channel 'status': no answer within 300 ms");
        });
    assertThat(page.incidents()).as("the page made it; the answer never came").hasSize(1);

    page.answerCreatesAfter(0);
    NotifyResult retried =
        notifier(impatient, new JdbcDeliveryLog(db)).send(started("rollback-api/run-1/started"));
    notifier().send(resolved());

    assertThat(retried.deliveredTo()).containsExactly("status");
    assertThat(retried.skipped()).containsExactly("local");
    assertThat(page.calls()).extracting(c -> c.method() + " " + c.path()).containsExactly(
        "POST " + INCIDENTS, "GET " + INCIDENTS + "/unresolved", "PATCH " + INCIDENTS + "/inc1");
    assertThat(page.incidents()).singleElement()
        .satisfies(i -> assertThat(i.path("status").asText()).isEqualTo("resolved"));
  }

  @Test
  void aLostAnswerToAResolveThatOpenedTheIncidentIsFoundAmongResolvedIncidents() {
    // The page hears of a run only at its end (STARTED went elsewhere): the create is the
    // resolve, and a resolved incident is not in the unresolved list a lost create is looked for in.
    ChannelSettings impatient = status(KEY).withTimeout(Duration.ofMillis(300));
    page.answerCreatesAfter(1500);
    assertThatThrownBy(() -> notifier(impatient, new JdbcDeliveryLog(db)).send(resolved()))
        .isInstanceOf(ApplicationFailure.class);
    assertThat(page.incidents()).hasSize(1);

    page.answerCreatesAfter(0);
    NotifyResult retried = notifier(impatient, new JdbcDeliveryLog(db)).send(resolved());

    assertThat(retried.deliveredTo()).containsExactly("status");
    assertThat(page.calls()).extracting(c -> c.method() + " " + c.path()).containsExactly(
        "POST " + INCIDENTS, "GET " + INCIDENTS + "/unresolved", "GET " + INCIDENTS);
    assertThat(page.incidents()).singleElement()
        .satisfies(i -> assertThat(i.path("status").asText()).isEqualTo("resolved"));
  }

  @Test
  void aStatusPageWithoutKindsIsToldOnlyThatARollbackStartedAndThatItIsResolved() {
    ChannelSettings unlimited = ChannelSettings.statuspage(page.url(), FakeStatuspage.PAGE,
        Secret.of(KEY), Map.of("api", "cmpapi01"));
    NotifyActivitiesImpl notifier = notifier(unlimited, new JdbcDeliveryLog(db));
    notifier.send(started("rollback-api/run-1/started"));
    NotifyResult asked = notifier.send(Samples.to(
        notification(NotificationKind.APPROVAL_REQUESTED, "rollback-api/run-1/approval", null, null),
        Audience.APPROVERS, "engineering-lead"));
    NotifyResult regression = notifier.send(
        notification(NotificationKind.REGRESSION, "rollback-api/run-1/regression", "health failed", null));
    notifier.send(resolved());

    assertThat(asked.deliveredTo()).containsExactly("local");
    assertThat(regression.deliveredTo()).containsExactly("local");
    assertThat(page.changes()).extracting(c -> c.method() + " " + c.incident().path("status").asText())
        .containsExactly("POST investigating", "PATCH resolved");
  }

  @Test
  void theNextRunOfTheSameServiceOpensAnIncidentOfItsOwn() {
    notifier().send(started("rollback-api/run-1/1-started"));
    notifier().send(resolved());
    // The same workflow ID, the service's next rollback: another run.
    notifier().send(started("rollback-api/run-2/1-started"));
    notifier().send(notification(NotificationKind.RESOLVED, "rollback-api/run-2/5-resolved",
        "api 1.5.0 -> 1.3.2", Duration.ofMinutes(3)));

    assertThat(page.changes()).extracting(c -> c.method() + " " + c.path()).containsExactly(
        "POST " + INCIDENTS, "PATCH " + INCIDENTS + "/inc1",
        "POST " + INCIDENTS, "PATCH " + INCIDENTS + "/inc2");
    assertThat(page.incidents()).hasSize(2)
        .allSatisfy(i -> assertThat(i.path("status").asText()).isEqualTo("resolved"));
  }

  @Test
  void aRefusedApiKeyIsBadCredentialsNamingTheSettingNotTheKey() {
    String wrong = "sp-wrong-key-5d8e1b";
    assertThatThrownBy(() -> notifier(status(wrong), new JdbcDeliveryLog(db))
            .send(started("rollback-api/run-1/started")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo("BAD_CREDENTIALS");
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage())
              .contains("channel 'status' (statuspage): Statuspage answered 401",
                  "notify.channels.status.apiKey")
              .doesNotContain(wrong);
        });
    assertThat(page.incidents()).isEmpty();
  }

  @Test
  void aP0RunPutsItsComponentsInMajorOutageAndAChannelTemplateNamesTheIncident() {
    ChannelSettings worded = status(KEY).withTemplates(Map.of("STARTED",
        new KindTemplate("{service} is down ({severity})", null)));
    Notification p0 = started("rollback-api/run-1/started");
    p0 = new Notification(p0.key(), p0.kind(), p0.audience(), p0.target(), p0.workflowId(),
        p0.runbook(), Severity.P0, p0.services(), p0.reason(), p0.requestedBy(), p0.incidentId(),
        p0.detail(), p0.duration(), p0.eta(), false, null);

    notifier(worded, new JdbcDeliveryLog(db)).send(p0);

    var create = page.changes().get(0).incident();
    assertThat(create.path("name").asText()).isEqualTo("api is down (P0)");
    assertThat(create.path("body").asText()).startsWith("We are currently experiencing");
    assertThat(create.path("components").toString()).isEqualTo("{\"cmpapi01\":\"major_outage\"}");
  }

  @Test
  void aDrillNeverReachesThePublicPage() {
    Notification n = started("drill-api/started");
    Notification drill = new Notification(n.key(), n.kind(), n.audience(), n.target(),
        "drill-api", n.runbook(), n.severity(), n.services(),
        dev.runbook.workflows.model.DrillRequest.REASON_PREFIX + " api on staging",
        n.requestedBy(), n.incidentId(), n.detail(), n.duration(), n.eta(), false, null);

    NotifyResult r = notifier().send(drill);

    assertThat(r.deliveredTo()).containsExactly("local", "status");
    assertThat(page.calls()).isEmpty();
  }
}
