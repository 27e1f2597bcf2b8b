package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.client.StartCheck;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
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
 * {@code POST /api/v1/drills} and the drill's report, on the fake world's api service (which runs
 * v2; v3-bad breaks it). The workers' catalog is stood in by a check that calls web production.
 */
class ApiDrillStartTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  /** What the workers' catalog says of a drill target here: web is production. */
  private static final StartCheck CATALOG = new StartCheck() {
    @Override
    public List<String> problems(dev.runbook.workflows.model.RunbookRequest request) {
      return List.of();
    }

    @Override
    public List<String> drillProblems(DrillRequest request) {
      return request.target().equals("web")
          ? List.of("target: drills never touch production: service web is kind production in runbook.yaml")
          : List.of();
    }
  };

  private ApiHarness api;
  private WorkflowClient client;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    this.client = client;
    api = ApiHarness.start(testEnv, worker, client, s -> s, CATALOG);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  private List<String> openDrills() {
    return client.getWorkflowServiceStubs().blockingStub().listOpenWorkflowExecutions(
            ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace(client.getOptions().getNamespace()).build())
        .getExecutionsList().stream().map(WorkflowExecutionInfo::getExecution).map(e -> e.getWorkflowId())
        .filter(id -> id.startsWith("drill-")).toList();
  }

  @Test
  void aDrillStartsAs202AndItsReportComesWhenItEnds() {
    api.world.services.get("api").broken.add("v3-bad");
    var started = api.post("/api/v1/drills", FakeWorld.REQUESTER, """
        {"runbook": "emergency", "target": "api", "badVersion": "v3-bad", "detection": "health-check",
         "limit": "5m", "sla": "10m", "approver": "alice"}""");

    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().path("workflowId").asText();
    assertThat(id).matches("drill-api-[0-9a-f]{8}");
    assertThat(started.json().path("statusUrl").asText()).isEqualTo("/api/v1/drills/" + id + "/report");
    assertThat(started.header("Location")).isEqualTo("/api/v1/drills/" + id + "/report");

    var report = api.get("/api/v1/drills/" + id + "/report?wait=60", FakeWorld.REQUESTER);
    assertThat(report.status()).as(report.body()).isEqualTo(200);
    assertThat(report.json().path("outcome").asText()).isEqualTo("ROLLED_BACK");
    assertThat(report.json().path("slaMet").asBoolean()).isTrue();
  }

  @Test
  void aProductionTargetIs422AndNothingStarts() {
    var refused = api.post("/api/v1/drills", FakeWorld.REQUESTER, """
        {"runbook": "emergency", "target": "web", "badVersion": "v3-bad", "detection": "health-check",
         "limit": "5m", "sla": "10m"}""");

    assertThat(refused.status()).as(refused.body()).isEqualTo(422);
    assertThat(refused.body()).contains("nothing was started", "drills never touch production");
    assertThat(openDrills()).isEmpty();
  }

  @Test
  void missingValuesWithoutAConfiguredDrillAre400() {
    var bad = api.post("/api/v1/drills", FakeWorld.REQUESTER, """
        {"runbook": "emergency", "target": "api"}""");

    assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    assertThat(bad.body()).contains("badVersion is required", "detection is required", "detectionLimit is required");
    assertThat(openDrills()).isEmpty();
  }
}
