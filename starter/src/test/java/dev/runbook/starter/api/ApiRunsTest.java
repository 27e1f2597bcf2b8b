package dev.runbook.starter.api;

import dev.runbook.workflows.engine.ActivityCatalog;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeWorld;
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

/** Starting runs, reading them back and listing them, against the real server. */
class ApiRunsTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private ApiHarness api;
  private TestWorkflowEnvironment testEnv;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    this.testEnv = testEnv;
    api = ApiHarness.start(testEnv, worker, client);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  @Test
  void anEmergencyStartAnswers201WithTheRunAndTheTokensPersonAsRequester() {
    var r = api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P1", "reason": "checkout errors after v2", "toVersion": "v1",
         "monitorFor": "PT3M", "incidentId": "INC-7"}""");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.header("Location")).isEqualTo("/api/v1/runs/rollback-api");
    assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    JsonNode body = r.json();
    assertThat(body.path("workflowId").asText()).isEqualTo("rollback-api");
    assertThat(body.path("runId").asText()).isNotBlank();
    assertThat(body.path("statusUrl").asText()).isEqualTo("/api/v1/runs/rollback-api");
    assertThat(body.path("dryRun").asBoolean(true)).isFalse();

    api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
    var status = api.get("/api/v1/runs/rollback-api", "dave");
    assertThat(status.status()).isEqualTo(200);
    JsonNode s = status.json();
    assertThat(s.path("requestedBy").asText()).isEqualTo("erin");
    assertThat(s.path("runbook").asText()).isEqualTo("emergency");
    assertThat(s.path("severity").asText()).isEqualTo("P1");
    assertThat(s.path("phase").asText()).isEqualTo("awaiting-approval");
    assertThat(s.path("incidentId").asText()).isEqualTo("INC-7");
    assertThat(s.path("startedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(s.path("pendingApproval").path("roles").toString()).contains("engineering-lead");
  }

  @Test
  void theRunViewShowsAStepBeingRetriedWithItsAttemptNextTryAndLastError() {
    api.world.fail("Service.deploy", dev.runbook.workflows.activities.FailureType.COMMAND_FAILED, 2);
    assertThat(api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P0", "reason": "checkout errors after v2", "monitorFor": "PT0S"}""")
        .status()).isEqualTo(201);

    JsonNode deploy = null;
    for (int i = 0; i < 300; i++) {
      var r = api.get("/api/v1/runs/rollback-api", "dave");
      assertThat(r.status()).isEqualTo(200);
      for (JsonNode step : r.json().path("steps")) {
        if (step.path("id").asText().equals("deploy") && step.path("pendingActivity").path("attempt").asInt() >= 2) {
          deploy = step;
        }
      }
      if (deploy != null) {
        break;
      }
      testEnv.sleep(java.time.Duration.ofMillis(200));
    }
    assertThat(deploy).as("the deploy step was never seen retrying").isNotNull();
    JsonNode p = deploy.path("pendingActivity");
    assertThat(deploy.path("state").asText()).isEqualTo("running");
    assertThat(p.path("activity").asText()).isEqualTo("ServiceDeploy");
    assertThat(p.path("lastError").asText()).isEqualTo("Service.deploy failed (api v1) [COMMAND_FAILED]");
    assertThat(p.path("maximumAttempts").asInt()).isEqualTo(ActivityCatalog.SERVICE.getRetryOptions().getMaximumAttempts());
    assertThat(p.path("waitingToRetry").asBoolean() ? p.path("nextAttemptAt").asText() : "running")
        .matches("running|\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(api.awaitPhase("rollback-api", Phase.SUCCEEDED).steps())
        .allSatisfy(step -> assertThat(step.pendingActivity()).isNull());
  }

  @Test
  void aDatabaseStartTakesItsOwnFields() {
    var r = api.post("/api/v1/runs/database", "alice", """
        {"service": "api", "severity": "p0", "reason": "bad migration 3", "mode": "revert", "steps": 1}""");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    RunStatus s = api.awaitPhase("rollback-api", Phase.SUCCEEDED);
    assertThat(s.runbook()).isEqualTo(RunbookType.DATABASE);
    assertThat(s.severity()).isEqualTo(Severity.P0);
    assertThat(s.requestedBy()).isEqualTo("alice");
    assertThat(api.world.databases.get("api").schema).isEqualTo(2);
  }

  @Test
  void aFullStartTakesServicesAndDatabasesFromTheEnvironment() {
    var r = api.post("/api/v1/runs/full", "erin", """
        {"environment": "prod", "severity": "P0", "reason": "release 42 is broken", "dryRun": true}""");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().path("workflowId").asText();
    assertThat(id).matches("dryrun-full-prod-[0-9a-f]{8}");
    assertThat(r.json().path("dryRun").asBoolean()).isTrue();
    assertThat(r.header("Location")).isEqualTo("/api/v1/runs/" + id);
    RunStatus s = api.status(id);
    assertThat(s.services()).containsExactly("api", "web");
    assertThat(s.dryRun()).isTrue();
  }

  @Test
  void anUnknownEnvironmentIsRefusedNamingTheKnownOnes() {
    var r = api.post("/api/v1/runs/full", "erin", """
        {"environment": "staging", "severity": "P0", "reason": "release 42 is broken"}""");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("field").asText()).isEqualTo("environment");
    assertThat(r.message()).isEqualTo("environment 'staging' is not configured: known are prod");
    assertThat(api.world.calls()).isEmpty();
  }

  @Test
  void requestedByIsTheTokensPersonAndCannotBeSomeoneElse() {
    var other = api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P1", "reason": "errors", "requestedBy": "alice"}""");
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.json().path("field").asText()).isEqualTo("requestedBy");
    assertThat(other.message()).isEqualTo("requestedBy is taken from your token (you are erin): leave it out");
    assertThat(api.world.calls()).isEmpty();

    var same = api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P1", "reason": "errors", "requestedBy": "erin"}""");
    assertThat(same.status()).as(same.body()).isEqualTo(201);
  }

  @Test
  void aSecondStartForTheSameServiceIs409NamingTheRunningRun() {
    assertThat(api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P1", "reason": "errors"}""").status()).isEqualTo(201);
    api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);

    var r = api.post("/api/v1/runs/database", "alice", """
        {"service": "api", "severity": "P0", "reason": "bad migration"}""");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.error()).isEqualTo("already_running");
    assertThat(r.json().path("workflowId").asText()).isEqualTo("rollback-api");
    assertThat(r.json().path("statusUrl").asText()).isEqualTo("/api/v1/runs/rollback-api");
    assertThat(r.message()).contains("api already has a rollback running: rollback-api (emergency, P1, requested by erin");
    assertThat(api.status("rollback-api").runbook()).isEqualTo(RunbookType.EMERGENCY);
  }

  @Test
  void startingNeedsAStarterRole() {
    var r = api.post("/api/v1/runs/emergency", "dave", """
        {"service": "api", "severity": "P0", "reason": "errors"}""");

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("forbidden");
    assertThat(r.message()).startsWith("dave may not start runs: that needs one of the roles on-call, engineering-lead, alerting");
    assertThat(api.world.calls()).isEmpty();
  }

  @Test
  void anUnknownRunIs404AndAPathThatIsNoRunIdIsRefusedBeforeUse() {
    var unknown = api.get("/api/v1/runs/rollback-nope", "alice");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("unknown_run");
    assertThat(unknown.message()).isEqualTo("no run rollback-nope: check the ID with `runbook list`");

    var notAnId = api.get("/api/v1/runs/rollback-api%3B%20rm%20-rf", "alice");
    assertThat(notAnId.status()).isEqualTo(404);
    assertThat(notAnId.message()).startsWith("'rollback-api%3B%20rm%20-rf' is not a run ID: run IDs look like rollback-<service>");

    var vote = api.post("/api/v1/runs/Rollback-API/approve", "alice", "{}");
    assertThat(vote.status()).isEqualTo(404);
    assertThat(vote.message()).contains("is not a run ID");
  }

  @Test
  void theListComesFromTheRollbackLogWithItsFilters() {
    String full = api.post("/api/v1/runs/full", "erin", """
        {"environment": "prod", "services": ["web"], "databases": [], "severity": "P0", "reason": "web broke",
         "dryRun": true}""").json().path("workflowId").asText();
    api.rollbackLog.add(full);
    String emergency = api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P1", "reason": "api broke"}""").json().path("workflowId").asText();
    api.rollbackLog.add(emergency);
    api.awaitPhase(emergency, Phase.AWAITING_APPROVAL);
    api.awaitPhase(full, Phase.SUCCEEDED);

    JsonNode all = api.get("/api/v1/runs", "dave").json().path("runs");
    assertThat(all).extracting(n -> n.path("workflowId").asText()).containsExactly("rollback-api", full);
    assertThat(all.get(1).path("outcome").asText()).isEqualTo("succeeded");
    assertThat(all).extracting(n -> n.path("dryRun").asBoolean()).containsExactly(false, true);

    assertThat(ids(api.get("/api/v1/runs?service=web", "dave").json())).containsExactly(full);
    assertThat(ids(api.get("/api/v1/runs?open=true", "dave").json())).containsExactly("rollback-api");
    assertThat(ids(api.get("/api/v1/runs?limit=1", "dave").json())).containsExactly("rollback-api");

    var badLimit = api.get("/api/v1/runs?limit=0", "dave");
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.message()).isEqualTo("limit '0' is out of range: use 1 to 500 (default 50)");
    var badService = api.get("/api/v1/runs?service=api%27%3B--", "dave");
    assertThat(badService.status()).isEqualTo(400);
    assertThat(badService.json().path("field").asText()).isEqualTo("service");
    var unknown = api.get("/api/v1/runs?owner=erin", "dave");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.message()).isEqualTo("unknown query parameter 'owner': the accepted ones are drills, format, limit, open, service");
    assertThat(api.get("/api/v1/runs?open=yes", "dave").message()).isEqualTo("open must be true or false");
  }

  private static List<String> ids(JsonNode list) {
    return java.util.stream.StreamSupport.stream(list.path("runs").spliterator(), false)
        .map(n -> n.path("workflowId").asText())
        .toList();
  }

  @Test
  void aP0EmergencyRunsToTheEndThroughTheApi() {
    var r = api.post("/api/v1/runs/emergency", FakeWorld.REQUESTER, """
        {"service": "api", "severity": 0, "reason": "errors", "monitorFor": 60}""");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    RunStatus s = api.awaitPhase("rollback-api", Phase.MONITORING);
    assertThat(api.world.services.get("api").version).isEqualTo("v1");
    assertThat(s.severity()).isEqualTo(Severity.P0);
  }
}
