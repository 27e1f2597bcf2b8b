package dev.runbook.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.MemoryReleases;
import dev.runbook.starter.cli.CliHarness.Result;
import dev.runbook.starter.client.DrillDefaults;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code runbook drill --wait} against the time-skipping test server, whose worker runs the drill
 * on the fake world's api service (v2 running; v3-bad breaks it).
 */
class DrillCommandTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private FakeWorld world;
  private RunbookClient client;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient temporal) {
    world = new FakeWorld();
    world.services.get("api").broken.add("v3-bad");
    worker.registerActivitiesImplementations(world.activities());
    testEnv.start();
    client = new RunbookClient(temporal, worker.getTaskQueue());
  }

  private Result run(String... args) {
    // The configured drill of api: what the flags leave out comes from it.
    DrillRequest configured = new DrillRequest(RunbookType.EMERGENCY, "api", "v3-bad", DrillDetection.HEALTH_CHECK,
        Duration.ofMinutes(5), Duration.ofMinutes(10), null, null, null);
    return new CliHarness(client, new MemoryReleases(List.of("api", "web")), Map.of(), new ArrayList<>(), new ArrayList<>())
        .withDrills(new DrillDefaults(Map.of("api", configured), null, null))
        .run(args);
  }

  @Test
  void waitPrintsTheVerdictThenTheFigures() {
    Result r = run("drill", "emergency", "api", "--as", FakeWorld.REQUESTER, "--wait");

    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).matches("started drill-api-[0-9a-f]{8} \\(run .+\\)");
    String id = lines.get(0).split(" ")[1];
    assertThat(lines.get(1)).isEqualTo("  follow it:  runbook drills show " + id + " (its rollback: runbook watch rollback-api)");
    assertThat(lines.get(2)).isEqualTo("  report:     /api/v1/drills/" + id + "/report");
    assertThat(lines.get(3)).startsWith("SLA met: rolled back in ").endsWith(" of 10m");
    assertThat(r.out()).contains("Broken with", "v3-bad", "Detected", "Rollback");
  }

  @Test
  void aDurationThatIsNotOneIsRefusedNamingTheFlag() {
    Result r = run("drill", "emergency", "api", "--as", FakeWorld.REQUESTER, "--limit", "soon");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("limit 'soon' is not a duration: write it like 5m or 1h30m");
  }
}
