package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.starter.api.Tokens;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.ChildJvm;
import dev.runbook.worker.support.ChildJvm.Result;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every CLI command, each in its own JVM as a user would type it, against a real `runbook dev`
 * (also its own JVM): the embedded Temporal server, a worker with the real adapters, a real
 * sample service process and a real PostgreSQL holding the sample database and the rollback log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevCliIT {
  private static final Duration QUICK = Duration.ofSeconds(60);
  private static final String ERIN_TOKEN = Tokens.newToken();

  @TempDir static Path dir;
  static Process dev;
  static Path config;
  static Map<String, String> env;
  static ServiceActivitiesImpl services;
  static int servicePort;

  @BeforeAll
  static void startDev() throws Exception {
    LocalPostgres pg = TestPostgres.server();
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Demo demo = new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook"));
    demo.extractResources();
    demo.createShopDatabase(pg.host(), pg.port(), pg.user(), pg.password().reveal());
    int temporalPort;
    try (ServerSocket s = new ServerSocket(0)) {
      temporalPort = s.getLocalPort();
    }
    Demo.Setup setup = demo.writeConfig(pg.host(), pg.port(), pg.user(), temporalPort, ChildJvm.classpath());
    config = setup.configFile();
    servicePort = setup.servicePort();
    var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = yaml.readValue(config.toFile(), java.util.LinkedHashMap.class);
    tree.put("people", java.util.List.of(
        Map.of("name", "erin", "roles", java.util.List.of("on-call"), "tokenSha256", Tokens.sha256Hex(ERIN_TOKEN)),
        Map.of("name", "alice", "roles", java.util.List.of("engineering-lead")),
        Map.of("name", "carol", "roles", java.util.List.of("engineering-manager"))));
    tree.put("api", Map.of("listen", "127.0.0.1:0"));
    tree.put("environments", Map.of("demo", Map.of("services", java.util.List.of("shop"))));
    yaml.writeValue(config.toFile(), tree);
    String logDb = TestPostgres.freshDatabase("devcli_log");
    env = Map.of(
        "RUNBOOK_DEMO_DB_PASSWORD", pg.password().reveal(),
        AuditDatabase.ENV_URL, "postgresql://" + pg.user() + ":" + pg.password().reveal() + "@" + pg.host() + ":" + pg.port() + "/" + logDb);
    var cfg = ConfigLoader.load(config, env::get);
    services = new ServiceActivitiesImpl(cfg.services(), config.getParent(), dir.resolve(".runbook"));
    demo.deploySampleService(services);

    Path log = dir.resolve("dev.log");
    dev = ChildJvm.start(env, log, "dev", "--in-memory", "--config", config.toString());
    for (int i = 0; i < 120 && !Files.readString(log).contains("Ctrl-C stops it"); i++) {
      assertThat(dev.isAlive()).as(Files.readString(log)).isTrue();
      Thread.sleep(500);
    }
    assertThat(Files.readString(log)).contains("runbook dev: Temporal 127.0.0.1:" + temporalPort);
  }

  @AfterAll
  static void stopDev() throws Exception {
    if (dev != null) {
      dev.destroy();
      assertThat(dev.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(dev.exitValue()).isIn(0, 143);
    }
    if (services != null) {
      new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook")).stopSampleService(services);
    }
  }

  private static Result runbook(String... args) {
    String[] withConfig = new String[args.length + 2];
    System.arraycopy(args, 0, withConfig, 0, args.length);
    withConfig[args.length] = "--config";
    withConfig[args.length + 1] = config.toString();
    return ChildJvm.run(env, QUICK, withConfig);
  }

  private static void awaitPhase(String run, String phase) throws InterruptedException {
    String last = "";
    for (int i = 0; i < 120; i++) {
      Result r = runbook("status", run, "--json");
      last = r.out();
      if (last.contains("\"phase\" : \"" + phase + "\"")) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no phase " + phase + " in " + last);
  }

  @Test
  @Order(1)
  void startApproveAsSomeoneElseAndWatchAnEmergencyRollbackWithItsDatabase() throws Exception {
    Result started = runbook("start", "emergency", "shop", "-s", "P1", "-r", "orders failing since v2",
        "--as", "erin", "--with-database", "--monitor-for", "0m", "--incident", "INC-42");
    assertThat(started.exit()).as(started.toString()).isZero();
    assertThat(started.out()).contains("started rollback-shop");

    awaitPhase("rollback-shop", "awaiting-approval");
    Result status = runbook("status", "rollback-shop");
    assertThat(status.out()).contains("phase: awaiting-approval")
        .containsPattern("runbook approve rollback-shop --plan [0-9a-f]{12} --as NAME")
        .contains("  shop: schema 3 -> 2, reverting 3: U3__price_in_cents.sql", "  shop: running v2", "  deploy v1 to shop:");

    Result self = runbook("approve", "rollback-shop", "--as", "erin");
    assertThat(self.exit()).as(self.toString()).isEqualTo(3);
    assertThat(self.err()).contains("erin requested this run and cannot approve it");
    Result manager = runbook("approve", "rollback-shop", "--as", "carol");
    assertThat(manager.exit()).isEqualTo(3);
    assertThat(manager.err()).contains("carol lacks role engineering-lead");

    Result approved = runbook("approve", "rollback-shop", "--as", "alice", "--comment", "revert looks right");
    assertThat(approved.exit()).as(approved.toString()).isZero();
    assertThat(approved.out()).matches("rollback-shop: approved by alice for plan [0-9a-f]{12}; the run goes on \\(phase executing\\)\n");
    Result watched = runbook("watch", "rollback-shop");
    assertThat(watched.exit()).as(watched.toString()).isZero();
    assertThat(watched.out()).contains("Revert shop to schema 2").contains("succeeded: rolled back from v2 to v1");
    assertThat(new String(java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + servicePort + "/version")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body())).contains("\"v1\"");
  }

  @Test
  @Order(2)
  void rejectEndsADatabaseRollbackWithTheReason() throws Exception {
    Result started = runbook("start", "database", "shop", "-s", "P1", "-r", "index bloat", "--as", "erin",
        "--mode", "revert", "--to-migration", "1");
    assertThat(started.exit()).as(started.toString()).isZero();
    awaitPhase("rollback-shop", "awaiting-approval");

    assertThat(runbook("reject", "rollback-shop", "--as", "alice").exit()).isEqualTo(2);
    Result rejected = runbook("reject", "rollback-shop", "--as", "alice", "--reason", "revert to 1 loses the status column");
    assertThat(rejected.exit()).as(rejected.toString()).isZero();
    Result watched = runbook("watch", "rollback-shop");
    assertThat(watched.exit()).isEqualTo(1);
    assertThat(watched.out()).contains("rejected: rejected by alice: revert to 1 loses the status column");
  }

  @Test
  @Order(3)
  void decideAbortsARunWhoseStepFailedForGood() throws Exception {
    Result started = runbook("start", "emergency", "shop", "-s", "P0", "-r", "roll back to a release that never was",
        "--as", "erin", "--to-version", "v9", "--monitor-for", "0m");
    assertThat(started.exit()).as(started.toString()).isZero();
    awaitPhase("rollback-shop", "needs-decision");

    Result status = runbook("status", "rollback-shop");
    assertThat(status.out()).contains("needs a decision on resolve-target").contains("UNKNOWN_VERSION")
        .contains("runbook decide rollback-shop retry|abort --as NAME");
    // The message the escalation channel (the console here) got offers the same choices, no others.
    String notice = Files.readString(dir.resolve("dev.log"));
    notice = notice.substring(notice.lastIndexOf("=== Decision needed: rollback of shop is stuck ==="));
    notice = notice.substring(0, notice.indexOf("\n\n=== ") < 0 ? notice.length() : notice.indexOf("\n\n=== "));
    assertThat(notice).contains("Decide: ./runbook decide rollback-shop retry|abort --as NAME")
        .doesNotContain("skip").doesNotContain("compensate");
    Result skip = runbook("decide", "rollback-shop", "skip", "--as", "erin");
    assertThat(skip.exit()).isEqualTo(4);
    Result abort = runbook("decide", "rollback-shop", "abort", "--as", "erin", "--comment", "typo in the version");
    assertThat(abort.exit()).as(abort.toString()).isZero();
    assertThat(runbook("watch", "rollback-shop").out()).contains("aborted: aborted by erin after resolve-target failed");
  }

  @Test
  @Order(4)
  void cancelStopsAWaitingRunAndFullStartsPerServiceWork() throws Exception {
    // v1 runs since the first test, and v2 was rolled back from: only a named version can be asked for.
    Result refused = runbook("start", "emergency", "shop", "-s", "P2", "-r", "slow checkout", "--as", "erin", "--watch");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.out()).contains("refused").contains("shop: no version is known good")
        .contains("v2 rolled back from").contains("--to-version");
    assertThat(runbook("start", "emergency", "shop", "-s", "P2", "-r", "slow checkout", "--as", "erin",
        "--to-version", "v1").exit()).isZero();
    awaitPhase("rollback-shop", "awaiting-approval");
    Result second = runbook("start", "database", "shop", "-s", "P0", "-r", "also", "--as", "erin");
    assertThat(second.exit()).isEqualTo(4);
    assertThat(second.err()).contains("already has a rollback running: rollback-shop");

    Result cancelled = runbook("cancel", "rollback-shop", "--as", "erin", "--reason", "false alarm");
    assertThat(cancelled.exit()).as(cancelled.toString()).isZero();
    assertThat(runbook("watch", "rollback-shop").out()).contains("cancelled: cancelled by erin: false alarm");

    // Without a target the plan stops where the ledger knows no good version (v2 was left, v1 runs).
    Result stops = runbook("start", "full", "demo", "--services", "shop", "-s", "P0", "-r", "rehearsal",
        "--as", "erin", "--dry-run", "--watch");
    assertThat(stops.exit()).as(stops.toString()).isEqualTo(1);
    assertThat(stops.out()).contains("plan-incomplete: dry run stopped at prepare-shop")
        .contains("no version is known good");
    Result full = runbook("start", "full", "demo", "--services", "shop", "--to-version", "shop=v1", "-s", "P0",
        "-r", "rehearsal", "--as", "erin", "--dry-run", "--watch");
    assertThat(full.exit()).as(full.toString()).isZero();
    assertThat(full.out()).contains("[plan]").contains("dry run: nothing was changed")
        .containsPattern("started dryrun-full-demo-[0-9a-f]{8} ").contains("DRY RUN: a plan; nothing is changed");
  }

  @Test
  @Order(6)
  void serveAnswersTheApiAgainstTheSameServerAndStopsOnSigterm() throws Exception {
    Path log = dir.resolve("serve.log");
    Process serve = ChildJvm.start(env, log, "serve", "--config", config.toString());
    try {
      java.util.regex.Matcher port = null;
      for (int i = 0; i < 120; i++) {
        port = java.util.regex.Pattern.compile("\\(port (\\d+)\\)").matcher(Files.readString(log));
        if (port.find()) {
          break;
        }
        assertThat(serve.isAlive()).as(Files.readString(log)).isTrue();
        Thread.sleep(500);
      }
      String base = "http://127.0.0.1:" + port.group(1);
      var http = java.net.http.HttpClient.newHttpClient();
      var health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/healthz")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      var runs = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/runs?service=shop"))
              .header("Authorization", "Bearer " + ERIN_TOKEN).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(runs.statusCode()).isEqualTo(200);
      assertThat(runs.body()).contains("\"workflowId\":\"rollback-shop\"").contains("\"outcome\":\"succeeded\"");
      var backups = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/backups?database=shop"))
              .header("Authorization", "Bearer " + ERIN_TOKEN).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(backups.statusCode()).as(backups.body()).isEqualTo(200);
      assertThat(backups.body()).contains("\"physicalDatabase\":\"runbook_demo_shop\"", "\"step\":\"backup\"",
          "\"port\":" + TestPostgres.server().port());
      var denied = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/runs"))
              .header("Authorization", "Bearer nope").build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(denied.statusCode()).isEqualTo(401);
    } finally {
      serve.destroy();
      assertThat(serve.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  @Order(7)
  void onThisMachineAnyoneUnderPeopleMayActButNobodyElseAndAnotherConfigurationIsNamed() throws Exception {
    Result stranger = runbook("start", "emergency", "shop", "-s", "P0", "-r", "x", "--as", "mallory");
    assertThat(stranger.exit()).as(stranger.toString()).isEqualTo(3);
    assertThat(stranger.err()).contains("'mallory' is not under people");
    Map<String, String> asRoot = new java.util.HashMap<>(env);
    asRoot.put("RUNBOOK_AS", "root");
    Result root = ChildJvm.run(asRoot, QUICK, "start", "emergency", "shop", "-s", "P0", "-r", "x", "--config", config.toString());
    assertThat(root.exit()).as(root.toString()).isEqualTo(3);
    assertThat(root.err()).contains("'root' is not under people");

    Path other = config.resolveSibling("other.yaml");
    Files.writeString(other, Files.readString(config).replace("verifyTimeout: \"30s\"", "verifyTimeout: \"45s\""));
    assertThat(Files.readString(other)).isNotEqualTo(Files.readString(config));
    Result differs = ChildJvm.run(env, QUICK, "list", "--config", other.toString());
    assertThat(differs.exit()).as(differs.toString()).isZero();
    assertThat(differs.err()).contains("warning: " + other).contains("is not the configuration the workers run");
    Result same = runbook("list");
    assertThat(same.err()).doesNotContain("warning");
  }

  @Test
  @Order(8)
  void backupsListsWhatTheRunsTookWithTheirSourceAndARestoreTakesOnlyAnIdFromThere() throws Exception {
    LocalPostgres pg = TestPostgres.server();
    Result table = runbook("backups", "shop");
    assertThat(table.exit()).as(table.toString()).isZero();
    assertThat(table.out().lines().findFirst().orElse("")).startsWith("TAKEN").contains("FROM", "SYSTEM ID", "TAKEN BY");
    assertThat(table.out()).containsPattern("shop +rollback-shop-\\S+-backup-[0-9a-f]{12} +\\S+ \\S+ +3 +yes +"
        + "runbook_demo_shop on 127\\.0\\.0\\.1:" + pg.port() + " +-?[0-9]+ +rollback-shop backup");
    Result json = runbook("backups", "--json");
    assertThat(json.out()).contains("\"physicalDatabase\" : \"runbook_demo_shop\"", "\"verified\" : true");

    Result file = runbook("start", "database", "shop", "-s", "P0", "-r", "restore last night", "--as", "erin",
        "--mode", "restore", "--backup", "/var/backups/shop/db_2026-11-25.sql.gz");
    assertThat(file.exit()).isEqualTo(2);
    assertThat(file.err()).contains("--backup takes a backup ID, not a file", "`runbook backups shop`");

    Result unknown = runbook("start", "database", "shop", "-s", "P0", "-r", "restore last night", "--as", "erin",
        "--mode", "restore", "--backup", "nightly-2026-11-25");
    assertThat(unknown.exit()).as(unknown.toString()).isZero();
    awaitPhase("rollback-shop", "needs-decision");
    assertThat(runbook("status", "rollback-shop").out()).contains("there is no backup 'nightly-2026-11-25' of"
        + " databases.shop on this worker", "`runbook backups shop` lists what exists");
    assertThat(runbook("decide", "rollback-shop", "abort", "--as", "erin").exit()).isZero();
    assertThat(runbook("watch", "rollback-shop").out()).contains("aborted");
  }

  @Test
  @Order(9)
  void anArmedRunCountsDownAndAPersonDisarmsItWithNothingChanged() throws Exception {
    Result started = runbook("start", "emergency", "shop", "-s", "P1", "-r", "error rate 12% on shop", "--as", "erin",
        "--to-version", "v1", "--arm", "15m", "--monitor-for", "0m");
    assertThat(started.exit()).as(started.toString()).isZero();
    assertThat(started.out())
        .contains("  armed: the rollback goes ahead in 15m unless disarmed: runbook disarm rollback-shop --reason WHY");
    awaitPhase("rollback-shop", "armed");

    Result status = runbook("status", "rollback-shop");
    assertThat(status.out()).contains("phase: armed  (waiting for the armed window to end at ")
        .containsPattern("armed by erin: shop v1 -> v1 at \\d\\d:\\d\\d:\\d\\d UTC unless disarmed \\(in 1[45]m\\d*s? of 15m\\)")
        .contains("runbook disarm rollback-shop --as NAME --reason WHY");
    assertThat(Files.readString(dir.resolve("dev.log"))).contains("=== ARMED: rollback of shop in 15 min unless fixed (P1) ===");

    Result stranger = runbook("disarm", "rollback-shop", "--as", "mallory");
    assertThat(stranger.exit()).as(stranger.toString()).isEqualTo(3);
    assertThat(stranger.err()).contains("'mallory' is not under people");
    Result disarmed = runbook("disarm", "rollback-shop", "--as", "alice", "--reason", "fixed forward in v2.1");
    assertThat(disarmed.exit()).as(disarmed.toString()).isZero();
    assertThat(disarmed.out()).isEqualTo("rollback-shop: disarmed: nothing was changed and the rollback will not"
        + " happen; the run ends (phase disarmed)\n");

    Result watched = runbook("watch", "rollback-shop");
    assertThat(watched.exit()).isEqualTo(1);
    assertThat(watched.out()).contains("disarmed: disarmed by alice: fixed forward in v2.1; nothing was changed");
    assertThat(Files.readString(dir.resolve("dev.log"))).contains("=== Disarmed: rollback of shop will not happen ===");
    assertThat(runbook("log").out()).containsPattern("shop +v1 +v1 +\\S+ +disarmed +error rate 12% on shop");
    Result again = runbook("disarm", "rollback-shop", "--as", "alice");
    assertThat(again.exit()).isEqualTo(4);
    assertThat(again.err()).contains("the run has ended (disarmed)");
  }

  @Test
  void backupTakesABackupAsARunOfItsOwnAndPruneShowsWhatRetentionWouldRemove() {
    Result started = runbook("backup", "shop", "--as", "erin", "-r", "before the 2.6 migration", "--watch");
    assertThat(started.exit()).as(started.toString()).isZero();
    java.util.regex.Matcher id = java.util.regex.Pattern.compile("started (backup-shop-[0-9a-f]{8})").matcher(started.out());
    assertThat(id.find()).as(started.out()).isTrue();
    String run = id.group(1);
    assertThat(started.out()).contains("[ok]     Back up shop with pg_dump and verify it")
        .containsPattern("succeeded: backup " + run + "-[0-9a-f]{8}-backup-[0-9a-f]{12} of shop taken: \\d+ bytes,"
            + " schema \\d+, verified");
    assertThat(runbook("status", run).out()).startsWith(run + "  backup of shop\n");
    assertThat(runbook("list").out()).containsPattern(run + " +backup +- .* succeeded +erin");
    assertThat(runbook("log").out()).containsPattern("backup: shop +- +" + run + "-\\S+ .* succeeded +before the 2.6"
        + " migration");
    assertThat(runbook("backups", "shop").out()).contains(run + " backup");

    Result unknown = runbook("backup", "shp", "--as", "erin");
    assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(2);
    assertThat(unknown.err()).contains("database: 'shp' is not under databases");

    Result dry = runbook("backups", "prune", "shop", "--dry-run", "--as", "erin");
    assertThat(dry.exit()).as(dry.toString()).isZero();
    assertThat(dry.out()).startsWith("DRY RUN: nothing is removed; this is what would go\n")
        .containsPattern("lock file +shop +\\." + run + "-\\S+\\.lock +nothing holds it")
        .containsPattern("cleanup-shop-[0-9a-f]{8}: succeeded: dry run: would remove \\d+ lock files?");
    assertThat(runbook("backups", "shop").out()).contains(run + " backup");
  }

  @Test
  @Order(5)
  void listAndLogReadTheRollbackLog() {
    Result log = runbook("log");
    assertThat(log.exit()).as(log.toString()).isZero();
    assertThat(log.out().lines().findFirst().orElse("")).startsWith("DATE").contains("FROM").contains("OUTCOME");
    assertThat(log.out()).containsPattern("shop +v2 +v1 +\\S+ +succeeded +orders failing since v2")
        .containsPattern("shop +- +- +\\S+ +aborted +roll back to a release that never was")
        .containsPattern("shop +schema 2 +schema 1 +\\S+ +rejected +index bloat")
        .contains("aborted").contains("cancelled").contains("succeeded (dry run)");
    Result list = runbook("list", "--json");
    assertThat(list.out()).containsPattern("\"workflowId\" : \"dryrun-full-demo-[0-9a-f]{8}\"")
        .contains("\"dryRun\" : true");
    assertThat(runbook("list").out()).containsPattern("dryrun-full-demo-[0-9a-f]{8} +full +P0 .* succeeded \\(dry run\\)");
    Result help = runbook("start", "database", "--help");
    assertThat(help.out()).startsWith("Usage: runbook start database");
  }

  @Test
  @Order(6)
  void drillsReadTheDrillsTableThroughTheApi() {
    Result none = runbook("drills");
    assertThat(none.exit()).as(none.toString()).isZero();
    assertThat(none.out()).startsWith("no drills yet: `runbook drill emergency TARGET`");

    Result unknown = runbook("drills", "show", "drill-shop-12345678");
    assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(5);
    assertThat(unknown.err()).contains("no drill 'drill-shop-12345678'");

    assertThat(runbook("log", "--no-drills").exit()).isZero();
  }
}
