package dev.runbook.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.starter.MemoryReleases;
import dev.runbook.starter.cli.CliHarness.Result;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.starter.report.SampleReports;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code runbook report RUN} and {@code runbook log --format markdown} through picocli. */
class ReportCommandTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private CliHarness cli;
  private final List<RollbackLogEntry> logRows = new ArrayList<>();

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient temporal) {
    worker.registerActivitiesImplementations(new FakeWorld().activities());
    testEnv.start();
    cli = new CliHarness(new RunbookClient(temporal, worker.getTaskQueue()), new MemoryReleases(List.of("api")),
        Map.of(), logRows, List.of());
  }

  @Test
  void reportPrintsMarkdownByDefaultAndTheApisJsonOnRequest() throws Exception {
    cli.reportRows.add(SampleReports.emergency("rollback-api"));

    Result md = cli.run("report", "rollback-api");
    Result json = cli.run("report", "rollback-api", "--format", "json");
    Result jsonFlag = cli.run("report", "rollback-api", "--json");

    assertThat(md.exit()).as(md.err()).isZero();
    assertThat(md.out()).startsWith("# Incident report: emergency rollback of api (P1, INC-42)")
        .contains("## Timeline").contains("| 2026-11-27 02:01:10Z | bob | decided | deploy | retry | registry is back |")
        .contains("No checklist recorded.");
    assertThat(json.exit()).isZero();
    JsonNode parsed = new ObjectMapper().readTree(json.out());
    assertThat(parsed.path("workflowId").asText()).isEqualTo("rollback-api");
    assertThat(parsed.path("versions").get(0).path("to").asText()).isEqualTo("v1");
    assertThat(jsonFlag.out()).isEqualTo(json.out());
  }

  @Test
  void aRunTheLogDoesNotHaveIsAnErrorNamingIt() {
    Result r = cli.run("report", "rollback-nothing");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("rollback-nothing");
    assertThat(cli.run("report", "rollback-api", "--format", "pdf").exit()).isEqualTo(2);
  }

  @Test
  void logFormatMarkdownPrintsTheIgnitionTableWithTheUsualFilters() {
    Instant t = Instant.parse("2026-11-20T10:15:00Z");
    logRows.add(new RollbackLogEntry("rollback-api", "r1", "emergency", "P1", List.of("api"), t, t.plusSeconds(272),
        "v1.2.3", "v1.2.2", "OOM", "erin", null, false, 272_000L, "succeeded", "ok", false, null, null));
    logRows.add(new RollbackLogEntry("rollback-web", "r2", "emergency", "P3", List.of("web"), t, t.plusSeconds(60),
        "v9", "v8", "drill", "erin", null, false, 60_000L, "succeeded", "ok", false, null, "drill-web-0badcafe"));

    Result all = cli.run("log", "--format", "markdown");
    Result api = cli.run("log", "--format", "markdown", "--service", "api");
    Result incidents = cli.run("log", "--format", "markdown", "--no-drills");

    assertThat(all.exit()).as(all.err()).isZero();
    assertThat(all.out()).contains("| Date | From | To | Reason | Duration |")
        .contains("| 2026-11-20 10:15Z | api v1.2.3 | api v1.2.2 | OOM (succeeded) | 4m32s |")
        .contains("| 2026-11-20 10:15Z | web v9 | web v8 | [DRILL] drill (succeeded) | 1m00s |");
    assertThat(api.out()).contains("api v1.2.3").doesNotContain("web v9");
    assertThat(incidents.out()).contains("api v1.2.3").doesNotContain("[DRILL]");
    assertThat(cli.run("log").out()).contains("DATE").doesNotContain("| Date |"); // the table stays the default
  }
}
