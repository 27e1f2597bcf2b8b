package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Firing Alertmanager alerts while a drill of the fake world's api service runs: the drill that
 * waits for an alert takes it, and an alert for a service a drill has broken starts no run. The
 * harness's route high-error-rate rolls back the alert's service.
 */
class ApiAlertmanagerDrillsTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private static final String WEBHOOK = "/api/v1/alerts/alertmanager";

  private ApiHarness api;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  private static String notification(String status, String service) {
    return """
        {"version": "4", "status": "%s", "alerts": [{"status": "%s", "fingerprint": "c2f1a9",
         "labels": {"alertname": "HighErrorRate", "service": "%s", "severity": "P1"},
         "annotations": {"summary": "error rate 12%%"}}]}""".formatted(status, status, service);
  }

  @Test
  void aDrillWaitingForAnAlertTakesItAndNoRunIsStartedForIt() {
    String id = api.startDrill("\"detection\": \"alert\"");
    api.awaitDrillProgress(id, "waiting for");

    var r = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("firing", "api"));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("started").asInt()).isZero();
    assertThat(r.json().path("drillDetected").asInt()).isEqualTo(1);
    JsonNode result = r.json().path("results").get(0);
    assertThat(result.path("outcome").asText()).isEqualTo("drill_detected");
    assertThat(result.path("workflowId").asText()).isEqualTo(id);
    assertThat(result.path("route").asText()).isEqualTo("high-error-rate");
    assertThat(result.path("statusUrl").asText()).isEqualTo("/api/v1/drills/" + id);
    assertThat(result.path("message").asText()).isEqualTo("the drill's break is detected by HighErrorRate"
        + " (fingerprint c2f1a9): the runbook starts now");

    var report = api.get("/api/v1/drills/" + id + "/report?wait=60", "dave");
    assertThat(report.json().path("outcome").asText()).as(report.body()).isEqualTo("ROLLED_BACK");
    assertThat(report.json().path("detectedBy").asText()).isEqualTo("ALERT");
    assertThat(report.json().path("alert").asText()).contains("HighErrorRate", "c2f1a9");
    // The only rollback of api is the drill's own runbook, not one the alert started.
    assertThat(api.status("rollback-api").reason()).startsWith("DRILL ");
    assertThat(api.status("rollback-api").requestedBy()).isNotEqualTo(ApiHarness.ALERTMANAGER);
  }

  @Test
  void anAlertForAServiceADrillBrokeStartsNoRunAndOtherAlertsGoOnAsBefore() {
    // The drill waits for an alert that carries team=payments: HighErrorRate does not.
    String id = api.startDrill("\"detection\": \"alert\", \"alertLabels\": {\"team\": \"payments\"}");
    api.awaitDrillProgress(id, "waiting for");

    var firing = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("firing", "api"));
    var resolved = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("resolved", "api"));
    var web = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("firing", "web"));

    assertThat(firing.status()).as(firing.body()).isEqualTo(200);
    JsonNode result = firing.json().path("results").get(0);
    assertThat(result.path("outcome").asText()).isEqualTo("drill_running");
    assertThat(result.path("workflowId").asText()).isEqualTo(id);
    assertThat(result.path("message").asText()).isEqualTo("a drill of api runs as " + id
        + ": the alert is its break, not an incident; no run started");
    assertThat(firing.json().path("started").asInt()).isZero();
    assertThat(firing.json().path("drillDetected").asInt()).isZero();
    assertThatThrownBy(() -> api.status("rollback-api")).isInstanceOf(RunbookException.UnknownRun.class);

    assertThat(resolved.json().path("results").get(0).path("outcome").asText()).isEqualTo("ignored");
    assertThat(resolved.json().path("results").get(0).path("message").asText())
        .isEqualTo("resolved alerts do not start runs");
    assertThat(api.awaitDrillProgress(id, "waiting for")).as("the drill still waits").startsWith("waiting for");

    JsonNode other = web.json().path("results").get(0);
    assertThat(other.path("outcome").asText()).as(web.body()).isEqualTo("started");
    assertThat(other.path("workflowId").asText()).isEqualTo("rollback-web");
    assertThat(api.awaitPhase("rollback-web", Phase.AWAITING_APPROVAL).requestedBy()).isEqualTo(ApiHarness.ALERTMANAGER);
  }
}
