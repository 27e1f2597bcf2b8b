package dev.runbook.starter.cli;

import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.starter.cli.CliHarness.Result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.MemoryReleases;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every CLI command, run through picocli against the time-skipping test server. */
class RunbookCliTest {
  private static final int SERVICE_ATTEMPTS = ActivityCatalog.SERVICE.getRetryOptions().getMaximumAttempts();

  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private FakeWorld world;
  private TestWorkflowEnvironment testEnv;
  private RunbookClient client;
  private final List<RollbackLogEntry> logRows = new java.util.ArrayList<>();
  private final MemoryReleases releases = new MemoryReleases(List.of("api", "web"));
  private final List<BackupRecord> backupRows = new java.util.ArrayList<>();

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient temporal) {
    world = new FakeWorld();
    this.testEnv = testEnv;
    worker.registerActivitiesImplementations(world.activities());
    testEnv.start();
    client = new RunbookClient(temporal, worker.getTaskQueue());
  }

  private Result run(String... args) {
    return new CliHarness(client, releases, Map.of("prod", new CliContext.Environment(List.of("api", "web"), List.of("api"))), logRows, backupRows).run(args);
  }

  private void awaitPhase(String id, Phase phase) {
    Runs.awaitPhase(testEnv, client.temporal().newUntypedWorkflowStub(id), phase);
  }

  @Test
  void backupsListsEachWithTheDatabaseItCameFromAndWhoTookIt() {
    backupRows.add(new BackupRecord("rollback-api-b1-backup-0123456789ab", "api", "7712475918956554258",
        "db1.internal", 5432, "api_production", Instant.parse("2026-11-21T10:00:00Z"), 56_770_000, "ab".repeat(32),
        "3", true, "rollback-api", "run-1", "backup", "worker-1", "/var/backups/runbook/api/rollback-api-b1-backup-0123456789ab",
        null));
    backupRows.add(new BackupRecord("nightly-old", "api", null, null, null, null,
        Instant.parse("2026-11-20T03:00:00Z"), 900, "cd".repeat(32), "2", true, null, null, "nightly-old", "worker-1",
        "/var/backups/runbook/api/nightly-old", Instant.parse("2026-11-21T03:00:00Z")));
    backupRows.add(new BackupRecord("rollback-web-w1-backup-0123456789ab", "web", "7712475918956554258",
        "db1.internal", 5432, "web", Instant.parse("2026-11-19T10:00:00Z"), 2048, "ef".repeat(32), null, true,
        "rollback-full-prod", "run-2", "backup-web", "worker-1", "/var/backups/runbook/web/x", null));

    Result table = run("backups", "api");
    Result json = run("backups", "--json");
    Result bad = run("backups", "Shop DB");

    assertThat(table.exit()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("TAKEN").contains("DATABASE", "BACKUP", "SIZE", "SCHEMA", "VERIFIED",
        "FROM", "SYSTEM ID", "TAKEN BY");
    assertThat(lines.get(1)).contains("2026-11-21 10:00", "api", "rollback-api-b1-backup-0123456789ab", "54.1 MiB",
        " 3 ", "yes", "api_production on db1.internal:5432", "7712475918956554258", "rollback-api backup");
    assertThat(lines.get(2)).contains("nightly-old", "900 B", "removed 2026-11-21 03:00", "unknown");
    assertThat(json.out()).contains("\"backupId\" : \"rollback-web-w1-backup-0123456789ab\"",
        "\"systemIdentifier\" : \"7712475918956554258\"", "\"step\" : \"backup-web\"");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("DATABASE 'Shop DB' is not a database name");
    backupRows.clear();
    assertThat(run("backups", "api").out()).startsWith("no backups of api in the rollback log yet");
  }

  @Test
  void aBackupFileIsRefusedNamingWhereTheIdsAreAndACrossRestoreReachesTheRun() {
    Result file = run("start", "database", "api", "-s", "P1", "-r", "restore last night", "--as", "erin",
        "--mode", "restore", "--backup", "/backups/db_2026-11-25.sql.gz");
    assertThat(file.exit()).isEqualTo(2);
    assertThat(file.err()).contains("--backup takes a backup ID, not a file: '/backups/db_2026-11-25.sql.gz'",
        "`runbook backups api`", "with --backup-file instead (`--backup-file /backups/db_2026-11-25.sql.gz`)");
    Result both = run("start", "database", "api", "-s", "P1", "-r", "restore last night", "--as", "erin",
        "--mode", "restore", "--backup", "api-nightly", "--backup-file", "/backups/db_2026-11-25.sql.gz");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("--backup and --backup-file are exclusive");
    assertThat(world.calls()).isEmpty();

    world.databases.get("api").backups.put("prod-copy", 2);
    world.databases.get("api").foreign.put("prod-copy", "7000000000000000002");
    Result crossed = run("start", "database", "api", "-s", "P1", "-r", "copy production into staging",
        "--as", "erin", "--mode", "restore", "--backup", "prod-copy", "--cross-restore");
    assertThat(crossed.exit()).as(crossed.err()).isZero();
    awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
    assertThat(run("status", "rollback-api").out()).contains("CROSS-RESTORE asked for: taken from api on db2:5432");
  }

  @Test
  void startEmergencyThenApproveAsAnotherPersonAndWatchItEnd() {
    Result started = run("start", "emergency", "api", "-s", "P1", "-r", "errors after v2",
        "--as", "erin", "--with-database", "--monitor-for", "0m", "--incident", "INC-9");
    assertThat(started.exit()).isZero();
    assertThat(started.out()).contains("started rollback-api").contains("runbook watch rollback-api");
    awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);

    Result status = run("status", "rollback-api");
    assertThat(status.out()).contains("phase: awaiting-approval")
        .containsPattern("runbook approve rollback-api --plan [0-9a-f]{12} --as NAME")
        .contains("[ok]     Resolve the target version")
        .contains("  api: schema 3; revert to 2", "  api: running v2; deploy v1");
    java.util.regex.Matcher shown = java.util.regex.Pattern.compile("plan ([0-9a-f]{12}) \\(what you approve\\):")
        .matcher(status.out());
    assertThat(shown.find()).as(status.out()).isTrue();
    String plan = shown.group(1);

    Result self = run("approve", "rollback-api", "--as", "erin");
    assertThat(self.exit()).isEqualTo(3);
    assertThat(self.err()).contains("erin requested this run and cannot approve it");

    Result typo = run("approve", "rollback-api", "--as", "alice", "--plan", "g00d");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("--plan 'g00d' is not a plan hash");
    world.services.get("api").version = "v3"; // deployed by hand while the run waited
    Result approved = run("approve", "rollback-api", "--as", "alice", "--comment", "go", "--plan", plan);
    assertThat(approved.exit()).isZero();
    assertThat(approved.out()).contains("approved by alice for plan " + plan);
    awaitPhase("rollback-api", Phase.AWAITING_APPROVAL); // the plan moved: asked again
    Result stale = run("approve", "rollback-api", "--as", "alice", "--plan", plan);
    assertThat(stale.exit()).isEqualTo(4);
    assertThat(stale.err()).contains("you looked at plan " + plan + " but the run's plan is now ")
        .contains("was: api: running v2; deploy v1; now: api: running v3; deploy v1");
    assertThat(run("status", "rollback-api").out()).contains("asked again (1 time): the plan changed: ");
    assertThat(run("approve", "rollback-api", "--as", "alice").exit()).isZero();

    Result watched = run("watch", "rollback-api");
    assertThat(watched.exit()).isZero();
    assertThat(watched.out()).contains("Deploy v1").contains("succeeded: rolled back from v2 to v1");
    assertThat(world.services.get("api").version).isEqualTo("v1");
  }

  @Test
  void rejectNeedsAReasonAndEndsTheRun() {
    run("start", "database", "api", "-s", "P1", "-r", "bad migration", "--as", "erin", "--mode", "revert");
    awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);

    assertThat(run("reject", "rollback-api", "--as", "bob").exit()).isEqualTo(2);
    Result rejected = run("reject", "rollback-api", "--as", "bob", "--reason", "use the hotfix");
    assertThat(rejected.exit()).isZero();
    Result watched = run("watch", "rollback-api");
    assertThat(watched.exit()).isEqualTo(1);
    assertThat(watched.out()).contains("rejected: rejected by bob: use the hotfix");
  }

  @Test
  void decideAnswersAFailedStepAndRefusesWhatIsNotOffered() {
    world.fail("Service.deploy", dev.runbook.workflows.activities.FailureType.NOT_SUPPORTED, 1);
    run("start", "full", "prod", "-s", "P0", "-r", "release 42", "--as", "erin");
    awaitPhase("rollback-full-prod", Phase.NEEDS_DECISION);

    Result skip = run("decide", "rollback-full-prod", "skip", "--as", "alice");
    assertThat(skip.exit()).isEqualTo(4);
    assertThat(skip.err()).contains("skip is not possible for step deploy-api");
    assertThat(run("decide", "rollback-full-prod", "maybe", "--as", "alice").err())
        .contains("decision 'maybe' is not valid: use retry, skip, compensate or abort");
    Result retry = run("decide", "rollback-full-prod", "retry", "--as", "alice", "--json");
    assertThat(retry.exit()).isZero();
    assertThat(retry.out()).contains("\"workflowId\" : \"rollback-full-prod\"");
    assertThat(run("watch", "rollback-full-prod").exit()).isZero();
  }

  @Test
  void cancelStopsARunAndStatusJsonShowsIt() {
    run("start", "emergency", "api", "-s", "P2", "-r", "slow pages", "--as", "erin", "--monitor-for", "0m");
    awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);

    Result cancelled = run("cancel", "rollback-api", "--as", "erin", "--reason", "false alarm");
    assertThat(cancelled.exit()).isZero();
    Runs.report(client.temporal().newUntypedWorkflowStub("rollback-api"));
    Result json = run("status", "rollback-api", "--json");
    assertThat(json.out()).contains("\"phase\" : \"cancelled\"").contains("false alarm");
  }

  @Test
  void aSecondStartIsRefusedNamingTheFirstAndBadInputIsNamed() {
    run("start", "emergency", "api", "-s", "P1", "-r", "x", "--as", "erin");
    awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);

    Result second = run("start", "database", "api", "-s", "P0", "-r", "y", "--as", "erin");
    assertThat(second.exit()).isEqualTo(4);
    assertThat(second.err()).contains("already has a rollback running: rollback-api (emergency, P1");

    assertThat(run("start", "emergency", "web", "-s", "P7", "-r", "x").err())
        .contains("severity 'P7' is not valid: use P0 (no approval), P1 or P2");
    assertThat(run("start", "emergency", "web", "-s", "P0", "-r", "x", "--to-version", "v1; rm -rf /").err())
        .contains("toVersion 'v1; rm -rf /' is not a valid version");
    assertThat(run("start", "emergency", "web", "-s", "P0", "-r", "x", "--monitor-for", "soon").err())
        .contains("--monitor-for: duration 'soon' is not valid");
    // An environment this context does not know is left for whoever runs the workers to fill
    // in or refuse (the API); a client straight to Temporal refuses it for lack of services.
    assertThat(run("start", "full", "staging", "-s", "P0", "-r", "x", "--as", "erin").err())
        .contains("services is required");
    assertThat(run("status", "rollback-nope").exit()).isEqualTo(5);
    assertThat(run("start", "emergency").exit()).isEqualTo(2);
    assertThat(world.calls("Service.deploy")).isEmpty();
  }

  @Test
  void dryRunStartsAPlanThatChangesNothingAndSaysSoEverywhere() {
    Result r = run("start", "emergency", "api", "-s", "P1", "-r", "rehearsal", "--as", "erin",
        "--dry-run", "--with-database", "--watch");
    assertThat(r.exit()).isZero();
    String id = r.out().lines().findFirst().orElseThrow().replaceFirst("^started (\\S+) .*", "$1");
    assertThat(id).matches("dryrun-api-[0-9a-f]{8}");
    assertThat(r.out().lines().toList()).contains("  " + Output.DRY_RUN);
    assertThat(r.out()).contains("[plan]")
        .contains("would check health, version v1, smoke checks and error rate")
        .contains("succeeded: dry run: nothing was changed")
        .doesNotContain("healthy on");
    assertThat(world.mutations()).isZero();

    Result status = run("status", id);
    assertThat(status.out().lines().toList()).startsWith(
        id + "  DRY RUN of the emergency rollback of api (P1)",
        Output.DRY_RUN,
        "phase: succeeded");
    assertThat(run("status", id, "--json").out()).contains("\"dryRun\" : true");
    // The business ID was never taken: a real run of api starts.
    assertThat(run("start", "emergency", "api", "-s", "P1", "-r", "real now", "--as", "erin").out())
        .startsWith("started rollback-api");
  }

  @Test
  void aDryRunThatCannotBePlannedEndsWithItsPlanSoFarAndWatchExits1() {
    world.fail("Service.resolveTarget", dev.runbook.workflows.activities.FailureType.NOT_SUPPORTED, 1);
    Result r = run("start", "emergency", "api", "-s", "P0", "-r", "rehearsal", "--as", "erin",
        "--dry-run", "--watch");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("plan-incomplete: dry run stopped at resolve-target: ")
        .contains("planned so far: capture-evidence")
        .doesNotContain("needs a decision");
  }

  @Test
  void listAndLogMarkDryRunsWhetherRunningOrEnded() {
    logRows.add(new RollbackLogEntry("dryrun-api-1a2b3c4d", "r1", "emergency", "P1", List.of("api"),
        Instant.parse("2026-11-21T03:04:00Z"), Instant.parse("2026-11-21T03:04:02Z"), "v2", "v1",
        "rehearsal", "erin", null, true, 2_000L, "succeeded", "dry run: nothing was changed", false));
    logRows.add(new RollbackLogEntry("dryrun-web-0f0f0f0f", "r2", "emergency", "P0", List.of("web"),
        Instant.parse("2026-11-21T04:00:00Z"), null, null, null, "drill", "bob", null, true,
        null, null, null, false));
    logRows.add(new RollbackLogEntry("rollback-web", "r3", "emergency", "P0", List.of("web"),
        Instant.parse("2026-11-21T05:00:00Z"), null, null, null, "real", "bob", null, false,
        null, null, null, false));

    assertThat(run("log").out().lines().toList()).containsExactly(
        "DATE              SERVICE  FROM  TO  DURATION  OUTCOME              REASON",
        "2026-11-21 03:04  api      v2    v1  2s        succeeded (dry run)  rehearsal",
        "2026-11-21 04:00  web      -     -   -         running (dry run)    drill",
        "2026-11-21 05:00  web      -     -   -         running              real");
    assertThat(run("list").out().lines().toList()).containsExactly(
        "RUN                  RUNBOOK    SEV  STARTED           STATE                BY",
        "dryrun-api-1a2b3c4d  emergency  P1   2026-11-21 03:04  succeeded (dry run)  erin",
        "dryrun-web-0f0f0f0f  emergency  P0   2026-11-21 04:00  running (dry run)    bob",
        "rollback-web         emergency  P0   2026-11-21 05:00  running              bob");
    assertThat(run("list", "--json").out()).contains("\"dryRun\" : true");
  }

  @Test
  void listAndLogPrintTheRollbackLog() {
    logRows.add(new RollbackLogEntry("rollback-api", "r1", "emergency", "P1", List.of("api"),
        Instant.parse("2026-11-21T03:04:00Z"), Instant.parse("2026-11-21T03:11:30Z"), "v2", "v1",
        "checkout errors", "erin", "INC-7", false, 450_000L, "succeeded", "rolled back", false));
    logRows.add(new RollbackLogEntry("rollback-web", "r2", "database", "P0", List.of("web"),
        Instant.parse("2026-11-21T04:00:00Z"), null, null, null, "bad index", "bob", null, false,
        null, null, null, false));
    logRows.add(new RollbackLogEntry("rollback-shop", "r3", "emergency", "P0", List.of("shop"),
        Instant.parse("2026-11-21T05:00:00Z"), null, "v3", "v2", "5xx after v3", "erin", null, false,
        null, null, null, true));

    Result log = run("log");
    assertThat(log.out().lines().toList()).containsExactly(
        "DATE              SERVICE  FROM  TO  DURATION  OUTCOME     REASON",
        "2026-11-21 03:04  api      v2    v1  7m30s     succeeded   checkout errors",
        "2026-11-21 04:00  web      -     -   -         running     bad index",
        "2026-11-21 05:00  shop     v3    v2  -         monitoring  5xx after v3");
    Result open = run("list", "--open");
    assertThat(open.out()).contains("rollback-web").doesNotContain("rollback-api")
        .containsPattern("rollback-shop .* monitoring +erin");
    assertThat(run("list", "--service", "api", "--json").out()).contains("\"workflowId\" : \"rollback-api\"");
  }

  @Test
  void theLogShowsHowEachRunComparedWithItsSla() {
    logRows.add(new RollbackLogEntry("rollback-api", "r1", "emergency", "P0", List.of("api"),
        Instant.parse("2026-11-21T03:04:00Z"), Instant.parse("2026-11-21T03:31:00Z"), "v2", "v1",
        "checkout errors", "erin", null, false, 1_620_000L, "succeeded", "rolled back", false,
        "over SLA by 3m05s (13m05s of 10m)"));
    logRows.add(new RollbackLogEntry("rollback-web", "r2", "emergency", "P0", List.of("web"),
        Instant.parse("2026-11-21T04:00:00Z"), null, "v3", "v2", "5xx", "bob", null, false,
        null, null, null, true, "within SLA (4m12s of 5m)"));
    logRows.add(new RollbackLogEntry("rollback-shop", "r3", "database", "P0", List.of("shop"),
        Instant.parse("2026-11-21T05:00:00Z"), null, null, null, "bad index", "bob", null, false,
        null, null, null, false));

    assertThat(run("log").out().lines().toList()).containsExactly(
        "DATE              SERVICE  FROM  TO  DURATION  SLA                                OUTCOME     REASON",
        "2026-11-21 03:04  api      v2    v1  27m       over SLA by 3m05s (13m05s of 10m)  succeeded   checkout errors",
        "2026-11-21 04:00  web      v3    v2  -         within SLA (4m12s of 5m)           monitoring  5xx",
        "2026-11-21 05:00  shop     -     -   -         -                                  running     bad index");
    assertThat(run("log", "--json").out()).contains("\"sla\" : \"over SLA by 3m05s (13m05s of 10m)\"");
  }

  @Test
  void statusAndWatchShowAStepBeingRetriedOnOneLine() {
    world.fail("Service.deploy", dev.runbook.workflows.activities.FailureType.COMMAND_FAILED, 2);
    run("start", "emergency", "api", "-s", "P0", "-r", "errors after v2", "--as", "erin", "--monitor-for", "0m");

    Result json = null;
    for (int i = 0; i < 300; i++) {
      json = run("status", "rollback-api", "--json");
      if (json.out().contains("\"waitingToRetry\" : true")) {
        break;
      }
      testEnv.sleep(java.time.Duration.ofMillis(200));
    }
    assertThat(json.exit()).isZero();
    assertThat(json.out())
        .contains("\"activity\" : \"ServiceDeploy\"")
        .contains("\"attempt\" : 2")
        .contains("\"maximumAttempts\" : " + SERVICE_ATTEMPTS)
        .contains("\"lastError\" : \"Service.deploy failed (api v1) [COMMAND_FAILED]\"")
        .containsPattern("\"nextAttemptAt\" : \"[0-9T:.-]+Z\"");

    Result text = run("status", "rollback-api");
    assertThat(text.out().lines().filter(l -> l.contains("Deploy v1")).toList()).singleElement().asString()
        .matches("  \\[\\.\\.\\] +Deploy v1 +ServiceDeploy attempt 1 of " + SERVICE_ATTEMPTS + " failed: Service\\.deploy failed \\(api v1\\)"
            + " \\[COMMAND_FAILED\\]; attempt 2 at \\d\\d:\\d\\d:\\d\\d UTC");

    Result watched = run("watch", "rollback-api");
    assertThat(watched.exit()).isZero();
    assertThat(watched.out()).containsPattern("Deploy v1 +ServiceDeploy attempt 2 of " + SERVICE_ATTEMPTS + " failed: Service\\.deploy failed"
        + " \\(api v1\\) \\[COMMAND_FAILED\\]; attempt 3 at ");
  }

  @Test
  void actingOnARunThatEndedSaysSoAndExits4() {
    run("start", "emergency", "api", "-s", "P2", "-r", "slow pages", "--as", "erin", "--monitor-for", "0m");
    awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
    assertThat(run("cancel", "rollback-api", "--as", "erin", "--reason", "false alarm").out())
        .isEqualTo("rollback-api: cancelling: the current step is stopped and the run ends (phase cancelled)\n");
    Runs.report(client.temporal().newUntypedWorkflowStub("rollback-api"));

    Result late = run("approve", "rollback-api", "--as", "carol");
    assertThat(late.exit()).isEqualTo(4);
    assertThat(late.err()).isEqualTo("error: the run has ended (cancelled): there is nothing left to act on\n");
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd : List.of("start", "approve", "reject", "decide", "status", "watch", "list", "log", "cancel",
        "disarm")) {
      Result r = run(cmd, "--help");
      assertThat(r.exit()).as(cmd).isZero();
      assertThat(r.out()).as(cmd).startsWith("Usage: runbook " + cmd);
    }
    for (String runbook : List.of("emergency", "database", "full")) {
      assertThat(run("start", runbook, "--help").out()).startsWith("Usage: runbook start " + runbook);
    }
    assertThat(run("--help").out()).contains("Exit codes: 0 done");
  }
}
