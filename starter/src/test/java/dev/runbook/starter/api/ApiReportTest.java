package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.report.SampleReports;
import dev.runbook.workflows.model.IncidentReport;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /api/v1/runs/{id}/report over the real server: JSON, Markdown, the live status, errors. */
class ApiReportTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private ApiHarness api;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  @Test
  void theReportIsJsonThatReadsBackAsTheSameReport() {
    IncidentReport report = SampleReports.emergency("rollback-api");
    api.reports.add(report);

    var r = api.get("/api/v1/runs/rollback-api/report", "dave");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    JsonNode body = r.json();
    assertThat(body.path("kind").asText()).isEqualTo("INCIDENT");
    assertThat(body.path("startedAt").asText()).isEqualTo("2026-11-27T02:00:00Z");
    assertThat(body.path("timeline").get(2).path("attempts").asInt()).isEqualTo(2);
    assertThat(body.path("people").get(1).path("act").asText()).isEqualTo("refused");
    assertThat(body.path("configs").get(0).path("changed").get(0).asText()).isEqualTo("FEATURE_X");
    assertThat(body.has("live")).isTrue();
    assertThat(body.path("live").isNull()).isTrue(); // a finished run: the log is all there is
    ApiClient client = new ApiClient(URI.create(api.url("")),
        new ApiClient.Credentials(api.tokens.get("dave"), false, null));
    assertThat(client.incidentReport("rollback-api")).contains(report);
  }

  @Test
  void markdownComesWithTheFormatParameterOrTheAcceptHeader() {
    api.reports.add(SampleReports.emergency("rollback-api"));

    var byQuery = api.get("/api/v1/runs/rollback-api/report?format=markdown", "dave");
    var byAccept = api.get("/api/v1/runs/rollback-api/report", "dave", "text/markdown");

    assertThat(byQuery.status()).isEqualTo(200);
    assertThat(byQuery.header("Content-Type")).isEqualTo("text/markdown; charset=utf-8");
    assertThat(byQuery.body()).startsWith("# Incident report: emergency rollback of api (P1, INC-42)")
        .contains("| Reason | 5xx \\| after v2<br>since 02:00 |");
    assertThat(byAccept.header("Content-Type")).isEqualTo("text/markdown; charset=utf-8");
    assertThat(byAccept.body()).isEqualTo(byQuery.body());
    assertThat(api.get("/api/v1/runs/rollback-api/report?format=json", "dave", "text/markdown").json()
        .path("workflowId").asText()).isEqualTo("rollback-api");
  }

  @Test
  void aRunStillGoingGetsItsLiveStatusFromTemporal() {
    var started = api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P1", "reason": "checkout errors after v2", "toVersion": "v1"}""");
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
    api.reports.add(SampleReports.openRestore("rollback-api"));

    JsonNode live = api.get("/api/v1/runs/rollback-api/report", "dave").json().path("live");

    assertThat(live.path("phase").asText()).isEqualTo("awaiting-approval");
    assertThat(live.path("waitingFor").asText()).contains("approval");
    assertThat(live.path("at").asText()).isNotBlank();
  }

  @Test
  void theLogAnswersTheIgnitionMarkdownTableWithItsFilters() {
    java.time.Instant t = java.time.Instant.parse("2026-11-20T10:15:00Z");
    api.rollbackLog.drillRuns.add(new dev.runbook.workflows.model.RollbackLogEntry("rollback-web", "r2", "emergency",
        "P3", java.util.List.of("web"), t, t.plusSeconds(60), "v9", "v8", "drill | rehearsal", "erin", null, false,
        60_000L, "succeeded", "ok", false, null, "drill-web-0badcafe"));

    var md = api.get("/api/v1/runs?format=markdown", "dave");
    var incidents = api.get("/api/v1/runs?format=markdown&drills=false", "dave");

    assertThat(md.status()).as(md.body()).isEqualTo(200);
    assertThat(md.header("Content-Type")).isEqualTo("text/markdown; charset=utf-8");
    assertThat(md.body()).contains("| Date | From | To | Reason | Duration |")
        .contains("| 2026-11-20 10:15Z | web v9 | web v8 | [DRILL] drill \\| rehearsal (succeeded) | 1m00s |");
    assertThat(incidents.body()).contains("| (none yet) | | | | |");
    assertThat(api.get("/api/v1/runs?format=csv", "dave").status()).isEqualTo(400);
  }

  @Test
  void anUnknownRunABadFormatAndNoTokenAreRefusedSayingWhy() {
    var unknown = api.get("/api/v1/runs/rollback-nothing/report", "dave");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("unknown_run");
    assertThat(unknown.message()).contains("rollback-nothing").contains("GET /api/v1/runs");

    api.reports.add(SampleReports.emergency("rollback-api"));
    var format = api.get("/api/v1/runs/rollback-api/report?format=pdf", "dave");
    assertThat(format.status()).isEqualTo(400);
    assertThat(format.message()).contains("format 'pdf'").contains("json or markdown");

    assertThat(api.get("/api/v1/runs/rollback-api/report", null).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/runs/not-a-run/report", "dave").status()).isEqualTo(404);

    ApiClient client = new ApiClient(URI.create(api.url("")),
        new ApiClient.Credentials(api.tokens.get("dave"), false, null));
    assertThatThrownBy(() -> client.incidentReport("rollback-nothing"))
        .isInstanceOf(RunbookException.UnknownRun.class).hasMessageContaining("rollback-nothing");
  }
}
