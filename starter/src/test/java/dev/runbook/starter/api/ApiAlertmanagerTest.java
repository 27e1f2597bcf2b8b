package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Alertmanager webhook with the harness's routes: HighErrorRate (emergency, service and
 * severity from labels), SchemaBroken with team=data (database of api, P1, dry run) and ProdDown
 * (full rollback of prod, P0, dry run).
 */
class ApiAlertmanagerTest {
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

  /** A notification as Alertmanager sends it, with the fields this receiver does not read. */
  private static String notification(String status, String... alerts) {
    return """
        {"version": "4", "groupKey": "{}:{alertname=\\"HighErrorRate\\"}", "truncatedAlerts": 0,
         "status": "%s", "receiver": "runbook", "groupLabels": {"alertname": "HighErrorRate"},
         "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
         "alerts": [%s]}""".formatted(status, String.join(",", alerts));
  }

  private static String alert(String status, String labels, String annotations) {
    return """
        {"status": "%s", "labels": {%s}, "annotations": {%s}, "startsAt": "2025-03-01T02:00:00.000Z",
         "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus:9090/graph",
         "fingerprint": "c2f1a9"}""".formatted(status, labels, annotations);
  }

  private static final String ERROR_RATE_API = alert("firing",
      "\"alertname\": \"HighErrorRate\", \"service\": \"api\", \"severity\": \"P1\"",
      "\"summary\": \"error rate 12% on api\"");

  @Test
  void aFiringAlertStartsTheMappedRunbookFromItsLabels() {
    var r = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("firing", ERROR_RATE_API));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.path("received").asInt()).isEqualTo(1);
    assertThat(body.path("started").asInt()).isEqualTo(1);
    assertThat(body.path("drillDetected").asInt()).isZero();
    JsonNode result = body.path("results").get(0);
    assertThat(result.path("outcome").asText()).isEqualTo("started");
    assertThat(result.path("route").asText()).isEqualTo("high-error-rate");
    assertThat(result.path("alertname").asText()).isEqualTo("HighErrorRate");
    assertThat(result.path("fingerprint").asText()).isEqualTo("c2f1a9");
    assertThat(result.path("workflowId").asText()).isEqualTo("rollback-api");
    assertThat(result.path("statusUrl").asText()).isEqualTo("/api/v1/runs/rollback-api");

    RunStatus s = api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
    assertThat(s.runbook()).isEqualTo(RunbookType.EMERGENCY);
    assertThat(s.severity()).isEqualTo(Severity.P1);
    assertThat(s.requestedBy()).isEqualTo("alertmanager");
    assertThat(s.reason()).isEqualTo("HighErrorRate: error rate 12% on api");
  }

  @Test
  void theSameAlertAgainIsReportedAsAlreadyRunning() {
    assertThat(api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("firing", ERROR_RATE_API)).status())
        .isEqualTo(200);

    var again = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("firing", ERROR_RATE_API, ERROR_RATE_API));

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().path("started").asInt()).isZero();
    assertThat(again.json().path("results")).allSatisfy(res -> {
      assertThat(res.path("outcome").asText()).isEqualTo("already_running");
      assertThat(res.path("workflowId").asText()).isEqualTo("rollback-api");
      assertThat(res.path("message").asText()).contains("api already has a rollback running: rollback-api");
    });
  }

  @Test
  void resolvedUnroutedAndInvalidAlertsStartNothingAndAreReportedOneByOne() {
    var r = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("firing",
        alert("resolved", "\"alertname\": \"HighErrorRate\", \"service\": \"web\", \"severity\": \"P0\"", ""),
        alert("firing", "\"alertname\": \"DiskFull\", \"service\": \"web\"", ""),
        alert("firing", "\"alertname\": \"SchemaBroken\", \"team\": \"web\"", ""),
        alert("firing", "\"alertname\": \"HighErrorRate\", \"service\": \"web; rm -rf /\", \"severity\": \"P0\"", ""),
        alert("firing", "\"alertname\": \"HighErrorRate\", \"service\": \"web\", \"severity\": \"P9\"", ""),
        alert("firing", "\"alertname\": \"HighErrorRate\", \"severity\": \"P0\"", "")));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode results = r.json().path("results");
    assertThat(results).extracting(n -> n.path("outcome").asText())
        .containsExactly("ignored", "no_route", "no_route", "invalid", "invalid", "invalid");
    assertThat(results.get(0).path("message").asText()).isEqualTo("resolved alerts do not start runs");
    assertThat(results.get(3).path("problems").get(0).asText()).startsWith("service 'web; rm -rf /' is not a valid name");
    assertThat(results.get(4).path("message").asText()).isEqualTo("severity 'P9' is not valid: use P0 (no approval), P1 or P2");
    assertThat(results.get(5).path("message").asText()).isEqualTo("the alert has no label 'service', which the route reads");
    assertThat(r.json().path("started").asInt()).isZero();
    assertThat(api.world.calls()).isEmpty();
  }

  @Test
  void aResolvedNotificationIsAcknowledged() {
    var r = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("resolved",
        alert("resolved", "\"alertname\": \"HighErrorRate\", \"service\": \"api\", \"severity\": \"P0\"", "")));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("results").get(0).path("outcome").asText()).isEqualTo("ignored");
    assertThat(api.world.calls()).isEmpty();
  }

  @Test
  void routesWithFixedTargetsStartDatabaseAndFullRollbacks() {
    var r = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("firing",
        alert("firing", "\"alertname\": \"SchemaBroken\", \"team\": \"data\"", "\"description\": \"migration 3 broke orders\""),
        alert("firing", "\"alertname\": \"ProdDown\"", "")));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode results = r.json().path("results");
    // Both routes are dry runs: each takes an ID of its own and says so.
    assertThat(results).extracting(n -> n.path("workflowId").asText())
        .satisfiesExactly(
            id -> assertThat(id).matches("dryrun-api-[0-9a-f]{8}"),
            id -> assertThat(id).matches("dryrun-full-prod-[0-9a-f]{8}"));
    assertThat(results).allSatisfy(n -> {
      assertThat(n.path("dryRun").asBoolean()).isTrue();
      assertThat(n.path("message").asText()).isEqualTo("a dry run: it plans and changes nothing");
    });
    RunStatus database = api.status(results.get(0).path("workflowId").asText());
    assertThat(database.runbook()).isEqualTo(RunbookType.DATABASE);
    assertThat(database.dryRun()).isTrue();
    assertThat(database.reason()).isEqualTo("SchemaBroken: migration 3 broke orders");
    RunStatus full = api.status(results.get(1).path("workflowId").asText());
    assertThat(full.services()).isEqualTo(List.of("api", "web"));
    assertThat(full.reason()).isEqualTo("alert ProdDown is firing");
    assertThat(full.severity()).isEqualTo(Severity.P0);
  }

  @Test
  void theWebhookNeedsAStarterAndVersion4() {
    var developer = api.post(WEBHOOK, "dave", notification("firing", ERROR_RATE_API));
    assertThat(developer.status()).isEqualTo(403);

    var v3 = api.post(WEBHOOK, ApiHarness.ALERTMANAGER, notification("firing", ERROR_RATE_API).replace("\"4\"", "\"3\""));
    assertThat(v3.status()).isEqualTo(400);
    assertThat(v3.message()).isEqualTo("version '3' is not supported: this receiver reads Alertmanager's webhook version 4");

    var unauthenticated = api.post(WEBHOOK, null, notification("firing", ERROR_RATE_API));
    assertThat(unauthenticated.status()).isEqualTo(401);
    assertThat(api.world.calls()).isEmpty();
  }
}
