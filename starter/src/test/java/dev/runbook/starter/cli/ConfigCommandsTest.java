package dev.runbook.starter.cli;

import dev.runbook.starter.cli.CliHarness.Result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.MemoryReleases;
import dev.runbook.starter.Releases;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A service's configuration from the command line: rolling it back, and what the ledger shows of it. */
class ConfigCommandsTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private FakeWorld world;
  private RunbookClient client;
  private final MemoryReleases releases = new MemoryReleases(List.of("api", "web"));

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient temporal) {
    world = new FakeWorld();
    worker.registerActivitiesImplementations(world.activities());
    testEnv.start();
    client = new RunbookClient(temporal, worker.getTaskQueue());
  }

  private Result run(String... args) {
    return new CliHarness(client, releases, Map.of(), List.of(), List.of()).run(args);
  }

  @Test
  void startEmergencyConfigOnlyRestoresTheConfigurationAndKeepsTheVersion() {
    world.config("api", "cfg-bad").snapshot("cfg-bad", "STRIPE_KEY=11111111").snapshot("cfg-good", "STRIPE_KEY=22222222")
        .lastKnownGood = "cfg-good";

    Result r = run("start", "emergency", "api", "-s", "P0", "-r", "bad STRIPE_KEY", "--config-only", "--as", "erin",
        "--monitor-for", "0m", "--watch");
    Result both = run("start", "emergency", "api", "-s", "P0", "-r", "x", "--config-only", "--to-version", "v1",
        "--as", "erin");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("Restore configuration cfg-good of api", "STRIPE_KEY changed (11111111 -> 22222222)",
        "succeeded: rolled back from v2 cfg-bad to v2 cfg-good");
    assertThat(world.configs.of("api").current).isEqualTo("cfg-good");
    assertThat(world.services.get("api").version).isEqualTo("v2");
    assertThat(world.calls("Service.deploy")).isEmpty();
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("configOnly keeps the version and the schema: drop --to-version");
  }

  @Test
  void releasesShowTheConfigurationEachRanWithOnlyWhenTheServiceHasOne() {
    Instant t = Instant.parse("2026-11-21T10:00:00Z");
    releases.add(new Releases.Release("api", "v1", null, t, "ci", "recorded", null, false, t, "ci", null, null, null,
        "superseded, verified healthy by ci", "cfg-0a1b2c3d4e5f", "verified healthy by ci"));
    releases.add(new Releases.Release("api", "v1", null, t.plusSeconds(600), "ci", "recorded", null, false, null, null,
        null, null, null, "running, not verified", "cfg-9f8e7d6c5b4a", "rolled back from by rollback-api (bad key)"));
    releases.record("web", "w1", null, true, null, "ci");

    Result api = run("releases", "api");
    Result web = run("releases", "web");

    assertThat(api.exit()).isZero();
    List<String> lines = api.out().lines().toList();
    assertThat(lines.get(0)).contains("STATE", "CONFIGURATION");
    assertThat(lines.get(1)).contains("cfg-9f8e7d6c5b4a (rolled back from by rollback-api (bad key))");
    assertThat(lines.get(2)).contains("cfg-0a1b2c3d4e5f (verified healthy by ci)");
    assertThat(web.out()).doesNotContain("CONFIGURATION");
    assertThat(run("record", "deploy", "web", "w1", "--as", "ci").out()).doesNotContain("configuration");
  }
}
