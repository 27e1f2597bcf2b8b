package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.AlertRef;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Armed runs through the HTTP API: an Alertmanager route with armFor arms the run it starts; the
 * alert's resolved notification disarms it (nothing deployed), a resolved alert with other labels
 * does not; the run goes ahead when its window ends; a person disarms it with POST .../disarm.
 */
class ApiArmedRunsTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private static final String WEBHOOK = "/api/v1/alerts/alertmanager";
  private static final Duration WINDOW = Duration.ofMinutes(15);

  private ApiHarness api;
  private TestWorkflowEnvironment testEnv;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    this.testEnv = testEnv;
    api = ApiHarness.start(testEnv, worker, client, s -> {
      List<AlertRoute> routes = new ArrayList<>();
      routes.add(new AlertRoute("error-rate", Map.of("alertname", "ErrorRateAbove10"), "emergency", null, "service",
          null, null, null, "severity", null, null, WINDOW));
      routes.addAll(s.alertRoutes());
      return new ApiSettings(s.listen(), s.threads(), s.people(), s.starters(), s.environments(), routes);
    }, () -> "", () -> true);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  private static String notification(String status, String... alerts) {
    return """
        {"version": "4", "status": "%s", "receiver": "runbook", "groupLabels": {}, "commonLabels": {},
         "commonAnnotations": {}, "externalURL": "http://alertmanager:9093", "alerts": [%s]}"""
        .formatted(status, String.join(",", alerts));
  }

  private static String alert(String status, String service, String severity, String fingerprint) {
    return """
        {"status": "%s", "labels": {"alertname": "ErrorRateAbove10", "service": "%s", "severity": "%s"},
         "annotations": {"summary": "error rate 12%% on %s"}, "startsAt": "2025-03-01T02:00:00.000Z",
         "fingerprint": "%s"}""".formatted(status, service, severity, service, fingerprint);
  }

  private JsonNode post(String status, String... alerts) {
    var r = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification(status, alerts));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private List<NotificationKind> kinds() {
    return api.world.notifications().stream().map(Notification::kind).toList();
  }

  @Test
  void anArmedRouteArmsTheRunAndTheAlertsResolvedNotificationDisarmsIt() {
    JsonNode started = post("firing", alert("firing", "api", "P1", "a1b2c3")).path("results").get(0);
    assertThat(started.path("outcome").asText()).isEqualTo("started");
    assertThat(started.path("message").asText())
        .isEqualTo("armed: the rollback goes ahead in 15m unless fixed; this alert's resolved notification disarms it");

    RunStatus armed = api.awaitPhase("rollback-api", Phase.ARMED);
    assertThat(armed.armed().alert()).isEqualTo(new AlertRef("error-rate", "ErrorRateAbove10", "a1b2c3"));
    JsonNode view = api.get("/api/v1/runs/rollback-api", "bob").json();
    assertThat(view.path("phase").asText()).isEqualTo("armed");
    assertThat(view.path("armed").path("endsAt").asText()).isEqualTo(armed.armed().endsAt().toString());
    assertThat(view.path("armed").path("window").asText()).isEqualTo("PT15M");
    assertThat(view.path("armed").path("alert").path("fingerprint").asText()).isEqualTo("a1b2c3");
    assertThat(view.path("armed").path("plan").asText()).isEqualTo("api v2 -> v1");
    testEnv.sleep(Duration.ofMinutes(3));

    JsonNode answer = post("resolved", alert("resolved", "api", "P1", "a1b2c3"));
    assertThat(answer.path("disarmed").asInt()).isEqualTo(1);
    JsonNode result = answer.path("results").get(0);
    assertThat(result.path("outcome").asText()).isEqualTo("disarmed");
    assertThat(result.path("route").asText()).isEqualTo("error-rate");
    assertThat(result.path("workflowId").asText()).isEqualTo("rollback-api");
    assertThat(result.path("message").asText())
        .isEqualTo("disarmed: nothing was changed and the rollback will not happen; the run ends");

    RunReport report = api.awaitEnd("rollback-api");
    assertThat(report.outcome()).isEqualTo(Phase.DISARMED);
    assertThat(report.message()).isEqualTo("disarmed by the alert ErrorRateAbove10 (route error-rate, fingerprint"
        + " a1b2c3) resolving; nothing was changed");
    assertThat(api.world.calls("Service.deploy")).isEmpty();
    assertThat(api.world.services.get("api").version).isEqualTo("v2");
    assertThat(kinds()).containsExactly(
        NotificationKind.ARMED, NotificationKind.APPROVAL_REQUESTED, NotificationKind.DISARMED);
    assertThat(report.actions()).anySatisfy(a -> {
      assertThat(a.actor()).isEqualTo(ApiHarness.ALERTMANAGER);
      assertThat(a.action()).isEqualTo("disarmed: the alert resolved");
    });

    JsonNode again = post("resolved", alert("resolved", "api", "P1", "a1b2c3")).path("results").get(0);
    assertThat(again.path("outcome").asText()).isEqualTo("not_armed");
    assertThat(again.path("message").asText())
        .isEqualTo("the resolved alert changes nothing: the run has ended (disarmed): there is nothing left to act on");
  }

  @Test
  void aResolvedAlertWithOtherLabelsDisarmsNothingAndAfterTheWindowNoneDoes() {
    post("firing", alert("firing", "api", "P1", "a1b2c3"));
    api.awaitPhase("rollback-api", Phase.ARMED);

    JsonNode answer = post("resolved",
        alert("resolved", "api", "P2", "ffee99"),
        alert("resolved", "web", "P1", "0a0b0c"));
    assertThat(answer.path("disarmed").asInt()).isZero();
    JsonNode otherLabels = answer.path("results").get(0);
    assertThat(otherLabels.path("outcome").asText()).isEqualTo("not_armed");
    assertThat(otherLabels.path("message").asText()).isEqualTo("the resolved alert changes nothing: the run was armed"
        + " by the alert ErrorRateAbove10 (route error-rate, fingerprint a1b2c3); the resolved alert ErrorRateAbove10"
        + " (route error-rate, fingerprint ffee99) is another one");
    assertThat(answer.path("results").get(1).path("outcome").asText()).isEqualTo("not_armed");
    assertThat(answer.path("results").get(1).path("message").asText())
        .isEqualTo("the resolved alert changes nothing: there is no run rollback-web to disarm");
    assertThat(api.status("rollback-api").phase()).isEqualTo(Phase.ARMED);

    testEnv.sleep(WINDOW.plusMinutes(1));
    api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
    JsonNode late = post("resolved", alert("resolved", "api", "P1", "a1b2c3")).path("results").get(0);
    assertThat(late.path("outcome").asText()).isEqualTo("not_armed");
    assertThat(late.path("message").asText()).startsWith("the resolved alert changes nothing: the armed window ended at ")
        .endsWith("and the rollback goes ahead (phase awaiting-approval); runbook cancel stops it");
    assertThat(api.status("rollback-api").phase()).isEqualTo(Phase.AWAITING_APPROVAL);
    assertThat(api.post("/api/v1/runs/rollback-api/approve", "alice", "{}").status()).isEqualTo(200);
    assertThat(api.awaitEnd("rollback-api").outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(api.world.services.get("api").version).isEqualTo("v1");
  }

  @Test
  void anArmedRunGoesAheadWhenItsWindowEnds() {
    post("firing", alert("firing", "api", "P0", "a1b2c3"));
    api.awaitPhase("rollback-api", Phase.ARMED);
    assertThat(api.world.calls("Service.deploy")).isEmpty();

    RunReport report = api.awaitEnd("rollback-api");

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(api.world.services.get("api").version).isEqualTo("v1");
    assertThat(kinds()).containsSubsequence(NotificationKind.ARMED, NotificationKind.STARTED, NotificationKind.RESOLVED);
  }

  @Test
  void aPersonDisarmsThroughTheApiAndOnlyAnArmedRunInItsWindow() {
    var start = api.post("/api/v1/runs/emergency", "erin",
        "{\"service\": \"api\", \"severity\": \"P0\", \"reason\": \"error rate 12%\", \"armFor\": \"PT15M\"}");
    assertThat(start.status()).as(start.body()).isEqualTo(201);
    RunStatus armed = api.awaitPhase("rollback-api", Phase.ARMED);
    assertThat(armed.armed().armedBy()).isEqualTo("erin");
    assertThat(armed.armed().alert()).isNull();

    var stranger = api.post("/api/v1/runs/rollback-api/disarm", null, "{}");
    assertThat(stranger.status()).isEqualTo(401);
    var disarmed = api.post("/api/v1/runs/rollback-api/disarm", "bob", "{\"reason\": \"fixed forward in 2.5.1\"}");
    assertThat(disarmed.status()).as(disarmed.body()).isEqualTo(200);
    assertThat(disarmed.json().path("phase").asText()).isEqualTo("disarmed");
    RunReport report = api.awaitEnd("rollback-api");
    assertThat(report.outcome()).isEqualTo(Phase.DISARMED);
    assertThat(report.message()).isEqualTo("disarmed by bob: fixed forward in 2.5.1; nothing was changed");
    assertThat(api.world.calls("Service.deploy")).isEmpty();

    var unarmed = api.post("/api/v1/runs/emergency", "erin",
        "{\"service\": \"api\", \"severity\": \"P1\", \"reason\": \"error rate 12%\"}");
    assertThat(unarmed.status()).isEqualTo(201);
    api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
    var notArmed = api.post("/api/v1/runs/rollback-api/disarm", "bob", "{}");
    assertThat(notArmed.status()).isEqualTo(409);
    assertThat(notArmed.message()).isEqualTo(
        "the run is not armed: it went ahead at once (phase awaiting-approval); runbook cancel stops it");
  }

  @Test
  void aPersonDisarmsARunAnAlertArmedAndItsLaterResolutionChangesNothing() {
    post("firing", alert("firing", "api", "P2", "a1b2c3"));
    api.awaitPhase("rollback-api", Phase.ARMED);

    var disarmed = api.post("/api/v1/runs/rollback-api/disarm", "dave", "{\"reason\": \"scaled out, latency is back\"}");
    assertThat(disarmed.status()).as(disarmed.body()).isEqualTo(200);
    RunReport report = api.awaitEnd("rollback-api");
    assertThat(report.outcome()).isEqualTo(Phase.DISARMED);
    assertThat(report.message()).isEqualTo("disarmed by dave: scaled out, latency is back; nothing was changed");
    assertThat(api.world.calls("Service.deploy")).isEmpty();
    assertThat(kinds()).endsWith(NotificationKind.DISARMED);

    JsonNode late = post("resolved", alert("resolved", "api", "P2", "a1b2c3")).path("results").get(0);
    assertThat(late.path("outcome").asText()).isEqualTo("not_armed");
  }

  @Test
  void aStartThroughTheApiCannotClaimAnAlertArmedIt() {
    var r = api.post("/api/v1/runs/emergency", "erin", "{\"service\": \"api\", \"severity\": \"P0\", \"reason\": \"x\","
        + " \"armFor\": \"PT15M\", \"armingAlert\": {\"route\": \"error-rate\", \"fingerprint\": \"a1b2c3\"}}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).isEqualTo("armingAlert is set by the Alertmanager webhook only: leave it out (armFor arms"
        + " the run; runbook disarm or cancel stops it)");
    var tooLong = api.post("/api/v1/runs/emergency", "erin",
        "{\"service\": \"api\", \"severity\": \"P0\", \"reason\": \"x\", \"armFor\": \"PT25H\"}");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.message()).contains("armFor PT25H is out of range: give a window longer than 0 and at most 24h");
    assertThat(api.world.calls()).isEmpty();
  }
}
