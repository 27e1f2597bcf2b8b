package dev.runbook.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.Await;
import dev.runbook.starter.MemoryReleases;
import dev.runbook.starter.cli.CliHarness.Result;
import dev.runbook.starter.client.DrillDefaults;
import dev.runbook.starter.client.Drills;
import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.testing.FakeDrills;
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
    return run(configured, args);
  }

  private Result run(DrillRequest configured, String... args) {
    return new CliHarness(client, new MemoryReleases(List.of("api", "web")), Map.of(), new ArrayList<>(), new ArrayList<>())
        .withDrills(new DrillDefaults(Map.of("api", configured), null, null))
        .run(args);
  }

  /** A drill of api whose entry breaks it with the configured bad values. */
  private static DrillRequest configBreak() {
    return new DrillRequest(RunbookType.EMERGENCY, "api", null, null, null, DrillDetection.HEALTH_CHECK,
        Duration.ofMinutes(5), Duration.ofMinutes(10), null, null, null, DrillBreak.CONFIG, null);
  }

  private List<String> openDrills() {
    return new Drills(client, DrillDefaults.none()).openDrills();
  }

  private static String startedId(Result r) {
    assertThat(r.exit()).as(r.err()).isZero();
    return r.out().lines().findFirst().orElseThrow().split(" ")[1];
  }

  /** The request the drill started with, as the drills table recorded it. */
  private DrillRequest recorded(String id) {
    return Await.until(id + " recorded", () -> {
      FakeDrills.Row row = world.drills.row(id);
      return row == null ? null : row.request();
    });
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

  @Test
  void aConfigBreakTheTargetDoesNotConfigureIsRefusedAndNothingStarts() {
    Result r = run("drill", "emergency", "api", "--as", FakeWorld.REQUESTER, "--break", "config");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("nothing was started: no configuration break is configured for api:"
        + " add drills.<name>.break.config to the drills entry of api in runbook.yaml");
    assertThat(openDrills()).isEmpty();
  }

  @Test
  void aConfiguredConfigBreakIsSentInTheRequestWithoutABadVersion() {
    Result r = run(configBreak(), "drill", "emergency", "api", "--as", FakeWorld.REQUESTER, "--break", "config");

    DrillRequest sent = recorded(startedId(r));
    assertThat(sent.breakWith()).isEqualTo(DrillBreak.CONFIG);
    assertThat(sent.badVersion()).isNull();
  }

  @Test
  void aBadVersionWithAConfigBreakIsRefusedNamingTheFlag() {
    Result r = run(configBreak(), "drill", "emergency", "api", "--as", FakeWorld.REQUESTER, "--break", "config",
        "--bad-version", "v3-bad");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("badVersion (--bad-version) is for a version break");
    assertThat(openDrills()).isEmpty();
  }

  @Test
  void anAlertLabelWithoutDetectionByAlertIsRefused() {
    Result r = run("drill", "emergency", "api", "--as", FakeWorld.REQUESTER, "--alert-label", "team=payments");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("alertLabels (--alert-label) are for detection by alert: detect with alert"
        + " (--detection alert), or drop them");
    assertThat(openDrills()).isEmpty();
  }

  @Test
  void aDrillDetectedByAlertTakesItsLabelsAndIsCancelledByAPerson() {
    String id = startedId(run("drill", "emergency", "api", "--as", FakeWorld.REQUESTER, "--detection", "alert",
        "--alert-label", "team=payments", "--alert-label", "tier=web"));
    assertThat(recorded(id).alertLabels()).isEqualTo(Map.of("team", "payments", "tier", "web"));
    Await.drillProgress(client.temporal(), id, "waiting for");

    Result nobody = run("drills", "cancel", id);
    Result cancel = run("drills", "cancel", id, "--as", "dave", "--reason", "staging is needed");

    assertThat(nobody.exit()).as("refused by the drill").isEqualTo(2);
    assertThat(nobody.err()).contains("a cancel must name the person: pass --as NAME");
    assertThat(cancel.exit()).as(cancel.err()).isZero();
    assertThat(cancel.out()).startsWith(id + ": cancelling: ").contains("cancelled by dave");
    assertThat(new Drills(client, DrillDefaults.none()).report(id, Duration.ofMinutes(1)).orElseThrow().cancelledBy())
        .contains("dave");
  }

  @Test
  void cancellingAnUnknownDrillNamesItAndHowToListDrills() {
    Result r = run("drills", "cancel", "drill-nowhere-12345678", "--as", "dave");

    assertThat(r.exit()).isEqualTo(5);
    assertThat(r.err()).contains("no drill drill-nowhere-12345678: check the ID with `runbook drills`");
  }
}
