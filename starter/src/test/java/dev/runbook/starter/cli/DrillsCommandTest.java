package dev.runbook.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.SampleDrills;
import dev.runbook.starter.cli.CliHarness.Result;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.workflows.DrillWorkflow;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.RollbackLogEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code runbook drills}, {@code runbook drills show} and drills' runs in {@code runbook log}. */
class DrillsCommandTest {
  private static final Instant T = Instant.parse("2026-11-20T09:00:00Z");

  private final List<RollbackLogEntry> logRows = new ArrayList<>();
  private CliHarness cli;
  private WorkflowClient temporal;
  private String queue;

  /** Temporal answers for a drill with no report: whether it still runs. */
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient temporal) {
    worker.registerActivitiesImplementations(new FakeWorld().activities());
    testEnv.start();
    this.temporal = temporal;
    this.queue = worker.getTaskQueue();
    cli = new CliHarness(new RunbookClient(temporal, worker.getTaskQueue()), null, Map.of(), logRows, List.of());
  }

  private static Instant day(int n) {
    return T.plus(Duration.ofDays(n));
  }

  /** Seven ended drills of checkout-staging (the fourth over its SLA), one still going, one of cart-staging not seen. */
  private void drills() {
    List<DrillLogEntry> oldestFirst = new ArrayList<>();
    for (int n = 1; n <= 7; n++) {
      Duration took = n == 4 ? Duration.ofMinutes(13) : Duration.ofSeconds(80);
      oldestFirst.add(SampleDrills.rolledBack("checkout-staging", "0000000" + n, day(n), took));
    }
    oldestFirst.add(SampleDrills.notDetected("cart-staging", "0000000a", day(7).plusSeconds(3600)));
    oldestFirst.add(SampleDrills.running("checkout-staging", "00000008", day(8)));
    for (DrillLogEntry d : oldestFirst) {
      cli.drillRows.add(0, d);
    }
  }

  @Test
  void theDrillsComeNewestFirstWithEachTargetsTrendOverItsLastSixEndedDrills() {
    drills();

    Result r = cli.run("drills");

    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("STARTED").contains("TARGET", "RUNBOOK", "BREAK", "OUTCOME", "DETECTED IN",
        "ROLLED BACK IN", "SLA", "VERDICT", "RESTORED", "MANUAL", "BY");
    // The table says it goes on; Temporal knows no such drill.
    assertThat(lines.get(1)).startsWith("2026-11-28 09:00:00 UTC").contains("checkout-staging", "no report");
    assertThat(lines.get(2)).startsWith("2026-11-27 10:00:00 UTC")
        .containsPattern("cart-staging +emergency +version +not-detected +- +- +10m +MISSED: not detected +yes +0 +erin");
    assertThat(lines.get(3)).startsWith("2026-11-27 09:00:00 UTC")
        .containsPattern("checkout-staging +emergency +version +rolled-back +42s +1m20s +10m +met, 8m40s to spare +yes +0 +erin");
    assertThat(lines.get(6)).startsWith("2026-11-24 09:00:00 UTC").contains("13m", "MISSED by 3m");
    // 9 drills, the note about the one with no report, a blank line, the trends.
    assertThat(lines).hasSize(1 + 9 + 1 + 1 + 2);
    assertThat(lines.get(10)).startsWith("(no report: ");
    assertThat(lines.get(11)).isEmpty();
    assertThat(lines.subList(12, 14)).containsExactly(
        "checkout-staging: last 6: met met MISSED met met met (5 of 6 within SLA)",
        "cart-staging: last 1: UNDETECTED (0 of 1 within SLA)");
  }

  @Test
  void oneTargetsDrillsAndJson() {
    drills();

    Result cart = cli.run("drills", "cart-staging");
    Result json = cli.run("drills", "checkout-staging", "--limit", "2", "--json");

    assertThat(cart.out()).doesNotContain("checkout-staging").contains("cart-staging: last 1: UNDETECTED");
    assertThat(json.exit()).isZero();
    assertThat(json.out()).contains("\"workflowId\" : \"drill-checkout-staging-00000008\"",
        "\"workflowId\" : \"drill-checkout-staging-00000007\"", "\"timeToRollBack\" : \"PT1M20S\"")
        .doesNotContain("drill-checkout-staging-00000006");
  }

  @Test
  void noDrillsYetSaysHowToRunOne() {
    Result all = cli.run("drills");
    Result one = cli.run("drills", "checkout-staging");

    assertThat(all.exit()).isZero();
    assertThat(all.out()).startsWith("no drills yet: `runbook drill emergency TARGET`");
    assertThat(one.out()).startsWith("no drills of checkout-staging yet: `runbook drill emergency checkout-staging`");
  }

  @Test
  void showPrintsTheVerdictThenTheFigures() {
    drills();

    Result missed = cli.run("drills", "show", "drill-checkout-staging-00000004");
    Result running = cli.run("drills", "show", "drill-checkout-staging-00000008");

    assertThat(missed.exit()).as(missed.err()).isZero();
    assertThat(missed.out().lines().toList()).startsWith(
        "drill-checkout-staging-00000004: emergency drill of checkout-staging, started 2026-11-24 09:00:00 UTC by erin,"
            + " drill approver alice",
        "Ended 2026-11-24 09:14:12 UTC: SLA MISSED by 3m: rolled back in 13m of 10m",
        "Broken with: v9-broken (ran v8)");
    assertThat(missed.out()).contains("SLA: 10m, missed by 3m", "Staging restored: yes, to v8");
    assertThat(running.exit()).as(running.err()).isZero();
    // The drills table says it goes on, but Temporal knows no such drill: it says so, and what to check.
    assertThat(running.out()).contains("no report: Temporal knows no workflow drill-checkout-staging-00000008",
        "its break may still be in place: check checkout-staging and put it back by hand");
  }

  @Test
  void aCancelledAndAFailedDrillShowTheirBreakWhoCancelledAndWhatFailed() {
    cli.drillRows.add(SampleDrills.failed("cart-staging", "0000000c", day(2)));
    cli.drillRows.add(SampleDrills.cancelled("cart-staging", "0000000b", day(1)));

    Result table = cli.run("drills", "cart-staging");
    Result cancelled = cli.run("drills", "show", "drill-cart-staging-0000000b");
    Result failed = cli.run("drills", "show", "drill-cart-staging-0000000c");

    List<String> rows = table.out().lines().toList();
    assertThat(rows.get(1)).containsPattern("cart-staging +emergency +command +failed +.*drill failed: the break"
        + " command left cart-staging on v8");
    assertThat(rows.get(2)).containsPattern("cart-staging +emergency +config +cancelled +.*cancelled by dave"
        + " \\(staging needed\\)");
    assertThat(table.out()).contains("cart-staging: last 2: CANCELLED DRILL-FAILED (0 of 2 within SLA)");
    assertThat(cancelled.out()).contains("cancelled by dave (staging needed)",
        "Broken with: a bad configuration: FEATURE_FLAGS (ran v8)");
    assertThat(failed.out()).contains("drill failed: the break command left cart-staging on v8, the version it ran",
        "Broken with: the break command: deploy-broken.sh");
  }

  @Test
  void showingAnUnknownDrillNamesIt() {
    drills();

    Result r = cli.run("drills", "show", "drill-nowhere-12345678");

    assertThat(r.exit()).isEqualTo(5);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("no drill 'drill-nowhere-12345678'", "runbook drills");
  }

  @Test
  void theLogMarksDrillsRunsAndCanLeaveThemOut() {
    logRows.add(new RollbackLogEntry("rollback-api", "r1", "emergency", "P1", List.of("api"),
        day(1), day(1).plusSeconds(450), "v2", "v1", "checkout errors", "erin", "INC-7", false, 450_000L,
        "succeeded", "rolled back", false, null, null));
    logRows.add(new RollbackLogEntry("rollback-checkout-staging", "r2", "emergency", "P1",
        List.of("checkout-staging"), day(2), day(2).plusSeconds(80), "v9-broken", "v8", "DRILL checkout", "erin",
        null, false, 80_000L, "succeeded", "rolled back", false, null, "drill-checkout-staging-00000001"));

    Result all = cli.run("log");
    Result real = cli.run("log", "--no-drills");
    Result list = cli.run("list", "--no-drills");

    assertThat(all.out().lines().toList()).containsExactly(
        "DATE              SERVICE           FROM       TO  DURATION  OUTCOME            REASON",
        "2026-11-21 09:00  api               v2         v1  7m30s     succeeded          checkout errors",
        "2026-11-22 09:00  checkout-staging  v9-broken  v8  1m20s     succeeded [DRILL]  DRILL checkout");
    assertThat(real.out()).contains("checkout errors").doesNotContain("DRILL");
    assertThat(list.out()).contains("rollback-api").doesNotContain("checkout-staging");
  }

  @Test
  void aDrillTemporalRunsIsRunningAndOneItDoesNotKnowHasNoReport() {
    DrillRequest waiting = new DrillRequest(RunbookType.EMERGENCY, "api", "v3-bad", DrillDetection.ALERT,
        Duration.ofMinutes(5), Duration.ofMinutes(10), null, "erin", "0000000c");
    WorkflowClient.start(temporal.newWorkflowStub(DrillWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(waiting.workflowId()).setTaskQueue(queue).build())::drill, waiting);
    cli.drillRows.add(SampleDrills.running("checkout-staging", "00000008", day(8)));
    cli.drillRows.add(SampleDrills.running("api", "0000000c", day(9)));

    Result list = cli.run("drills");
    Result show = cli.run("drills", "show", waiting.workflowId());

    assertThat(list.out()).containsPattern("api +emergency +version +running")
        .containsPattern("checkout-staging +emergency +version +no report")
        .contains("(no report: the drill ended without one, or Temporal no longer knows it");
    assertThat(show.out()).contains("still running: broke api with v9-broken");
  }
}
