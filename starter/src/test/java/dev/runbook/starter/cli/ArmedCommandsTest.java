package dev.runbook.starter.cli;

import dev.runbook.starter.cli.CliHarness.Result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.client.RunbookClient;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code start --arm}, {@code status} and {@code watch} of an armed run, and {@code disarm}. */
class ArmedCommandsTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private FakeWorld world;
  private TestWorkflowEnvironment testEnv;
  private RunbookClient client;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient temporal) {
    world = new FakeWorld();
    this.testEnv = testEnv;
    worker.registerActivitiesImplementations(world.activities());
    testEnv.start();
    client = new RunbookClient(temporal, worker.getTaskQueue());
  }

  private Result run(String... args) {
    return new CliHarness(client, new dev.runbook.starter.MemoryReleases(List.of("api", "web")), Map.of("prod", new CliContext.Environment(List.of("api", "web"), List.of("api"))), List.of(), List.of()).run(args);
  }

  private void awaitPhase(String id, Phase phase) {
    Runs.awaitPhase(testEnv, client.temporal().newUntypedWorkflowStub(id), phase);
  }

  @Test
  void anArmedStartShowsItsCountdownAndDisarmStopsIt() {
    Result started = run("start", "emergency", "api", "-s", "P1", "-r", "error rate 12%", "--as", "erin",
        "--arm", "15m", "--monitor-for", "0m");
    assertThat(started.exit()).isZero();
    assertThat(started.out()).contains(
        "  armed: the rollback goes ahead in 15m unless disarmed: runbook disarm rollback-api --reason WHY");
    awaitPhase("rollback-api", Phase.ARMED);

    Result status = run("status", "rollback-api");
    assertThat(status.out()).contains("phase: armed  (waiting for the armed window to end at ")
        .containsPattern("armed by erin: api v2 -> v1 at \\d\\d:\\d\\d:\\d\\d UTC unless disarmed \\((in .+|any moment now) of 15m\\)")
        .contains("runbook disarm rollback-api --as NAME --reason WHY   |   runbook cancel rollback-api --as NAME")
        .contains("[..]     Armed: wait 15m for a fix forward");
    assertThat(run("status", "rollback-api", "--json").out()).contains("\"armed\" : {").contains("\"armedBy\" : \"erin\"");

    Result disarmed = run("disarm", "rollback-api", "--as", "bob", "--reason", "fixed forward");
    assertThat(disarmed.exit()).isZero();
    assertThat(disarmed.out()).isEqualTo("rollback-api: disarmed: nothing was changed and the rollback will not happen;"
        + " the run ends (phase disarmed)\n");
    Result watched = run("watch", "rollback-api");
    assertThat(watched.exit()).isEqualTo(1);
    assertThat(watched.out()).contains("disarmed: disarmed by bob: fixed forward; nothing was changed");
    assertThat(world.calls("Service.deploy")).isEmpty();
    // The phase says disarmed as soon as it is; the run closes once its messages and log are out.
    assertThat(Runs.report(client.temporal().newUntypedWorkflowStub("rollback-api")).outcome())
        .isEqualTo(Phase.DISARMED);

    Result again = run("disarm", "rollback-api", "--as", "bob");
    assertThat(again.exit()).isEqualTo(4);
    assertThat(again.err()).isEqualTo("error: the run has ended (disarmed): there is nothing left to act on\n");
    assertThat(run("start", "emergency", "api", "-s", "P1", "-r", "x", "--as", "erin", "--arm", "soon").err())
        .contains("--arm: duration 'soon' is not valid: write it like 90s, 15m, 4h or 1h30m");
  }

  @Test
  void watchFollowsAnArmedRunThroughItsWindow() throws Exception {
    run("start", "full", "prod", "-s", "P0", "-r", "release 42", "--as", "erin", "--arm", "15m");
    awaitPhase("rollback-full-prod", Phase.ARMED);

    var watching = java.util.concurrent.CompletableFuture.supplyAsync(() -> run("watch", "rollback-full-prod"));
    Thread.sleep(1500);
    testEnv.sleep(java.time.Duration.ofMinutes(16));
    Result watched = watching.get(60, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(watched.exit()).isZero();
    assertThat(watched.out()).contains("phase armed (waiting for the armed window to end at ")
        .contains("armed by erin: prod api=v2,web=w2 -> api=v1,web=w1 at ")
        .contains("[ok]     Armed: wait 15m for a fix forward  no fix within 15m: going ahead with prod")
        .contains("succeeded: rolled back from api=v2,web=w2 to api=v1,web=w1");
  }
}
