package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.starter.api.Tokens;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.ChildJvm;
import dev.runbook.worker.temporal.TemporalConnection;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production topology run natively by {@code scripts/stack}: PostgreSQL, the Temporal server on
 * it, Temporal UI, two workers and the API as separate processes. Through the API: a full rollback
 * of two services (the sample service, a process, with its database; a command-adapter service), a
 * database restore, and a run whose worker gets SIGTERM in the middle of a slow deploy. Then the
 * stack goes down and up, and the runs are still there.
 */
class StackIT {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  private static final String ERIN = Tokens.newToken();
  private static final String ALICE = Tokens.newToken();
  private static final Set<String> ENDED = Set.of("succeeded", "failed", "rejected", "cancelled", "aborted",
      "needs-decision", "plan-incomplete");
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private NativeStack stack;
  private ServiceActivitiesImpl services;

  @AfterEach
  void stopEverything() throws Exception {
    if (stack != null) {
      NativeStack.Run down = stack.script("down");
      System.out.println(down.output());
      // The pieces' logs outlive the temporary directory, for a look after a failure.
      Path keep = Path.of("target", "stack-logs");
      Files.createDirectories(keep);
      try (var logs = Files.list(stack.stackDir().resolve("logs"))) {
        for (Path log : logs.filter(Files::isRegularFile).toList()) {
          Files.copy(log, keep.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    if (services != null) {
      services.stop(new ServiceAction(Demo.SERVICE, "close/" + UUID.randomUUID(), false));
    }
  }

  @Test
  void theNativeTopologyRollsBackRestoresHandsOverOnSigtermAndKeepsItsRuns() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    LocalPostgres pg = TestPostgres.server();
    Demo demo = new Demo(new PrintWriter(new StringWriter()), dir.resolve("app"));
    demo.extractResources();
    Demo.Setup setup = demo.writeConfig(pg.host(), pg.port(), pg.user(), 0, ChildJvm.classpath());
    Path config = StackConfig.write(dir, setup.configFile(), Tokens.sha256Hex(ERIN), Tokens.sha256Hex(ALICE));
    stack = new NativeStack(dir, config, Map.of("RUNBOOK_DEMO_DB_PASSWORD", pg.password().reveal()));
    Map<String, String> asTheWorkersSeeIt = new LinkedHashMap<>(stack.env);
    asTheWorkersSeeIt.putAll(Map.of("TEMPORAL_ADDRESS", stack.temporalAddress(), "POSTGRES_HOST", "127.0.0.1",
        "RUNBOOK_DB", "runbook", "POSTGRES_USER", "temporal", "POSTGRES_PASSWORD", "unused here",
        "RUNBOOK_API_LISTEN", "127.0.0.1:0", "RUNBOOK_METRICS_LISTEN", "127.0.0.1:0",
        "RUNBOOK_STATE_DIR", stack.stateDir().toString()));
    services = new ServiceActivitiesImpl(ConfigLoader.load(config, asTheWorkersSeeIt::get).services(),
        config.getParent(), stack.stateDir());
    // What runs before the incident: shop v2 over v1 with migration 3; billing b2 over b1.
    for (String[] d : new String[][] {{Demo.SERVICE, "v1"}, {Demo.SERVICE, "v2"}, {"billing", "b1"}, {"billing", "b2"}}) {
      services.deploy(new DeployRequest(d[0], d[1], "setup/" + UUID.randomUUID(), false));
    }
    demo.createShopDatabase(pg.host(), pg.port(), pg.user(), pg.password().reveal());

    NativeStack.Run up = stack.up();
    String password = Files.readString(dir.resolve("stack.secrets")).lines()
        .filter(l -> l.startsWith("POSTGRES_PASSWORD=")).findFirst().orElseThrow().substring(18);
    assertThat(Files.getPosixFilePermissions(dir.resolve("stack.secrets")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(up.output()).contains("worker-1", "worker-2", "Temporal UI  http://127.0.0.1:" + stack.uiPort)
        .doesNotContain(password);
    NativeStack.Run again = stack.up();
    assertThat(again.output()).contains("already up: nothing to do");
    assertThat(stack.script("status").exit()).isZero();
    assertThat(get("http://127.0.0.1:" + stack.uiPort + "/", null).statusCode()).isEqualTo(200);

    try (TemporalConnection temporal = TemporalConnection.connect(stack.temporalAddress(), "default", null)) {
      // 1. A full rollback of the two services and the shop's schema.
      Instant t0 = Instant.now();
      String full = start("full", """
          {"environment": "prod", "services": ["shop", "billing"], "databases": ["shop"], "severity": "P0",
           "reason": "release train 12 broke checkout", "toVersions": {"shop": "v1", "billing": "b1"},
           "toMigrations": {"shop": "2"}}""");
      assertThat(awaitEnd(full)).isEqualTo("succeeded");
      Duration fullTook = Duration.between(t0, Instant.now());
      assertThat(Demo.serviceVersion(setup.servicePort())).contains("\"v1\"");
      assertThat(Files.readString(stack.stateDir().resolve("platform/billing/current")).trim()).isEqualTo("b1");
      assertThat(shopQuery(pg, "select max(version::int) from flyway_schema_history where success")).isEqualTo(2);

      // 2. A restore of the shop's database from the backup the full rollback took (migration 3 again).
      t0 = Instant.now();
      String restore = start("database", """
          {"service": "shop", "database": "shop", "severity": "P0", "reason": "orders lost", "mode": "restore"}""");
      assertThat(awaitEnd(restore)).isEqualTo("succeeded");
      Duration restoreTook = Duration.between(t0, Instant.now());
      assertThat(shopQuery(pg, "select max(version::int) from flyway_schema_history where success")).isEqualTo(3);
      assertThat(shopQuery(pg, "select count(*) from orders where price_cents > 0")).isEqualTo(5000);

      ActivityShares fullShares = ActivityShares.of(temporal.client(), full);
      ActivityShares restoreShares = ActivityShares.of(temporal.client(), restore);
      System.out.printf("full rollback: %d activities %s, max attempt %d, %d ms; restore: %d activities %s,"
              + " max attempt %d, %d ms%n", fullShares.activities().size(), fullShares.perWorker(),
          fullShares.maxAttempt(), fullTook.toMillis(), restoreShares.activities().size(), restoreShares.perWorker(),
          restoreShares.maxAttempt(), restoreTook.toMillis());
      assertThat(fullShares.perWorker()).as("the full rollback's activities on each worker")
          .containsOnlyKeys("worker-1", "worker-2").allSatisfy((w, n) -> assertThat(n).isPositive());
      assertThat(fullShares.maxAttempt() + restoreShares.maxAttempt()).as("no step retried").isEqualTo(2);

      // 3. The worker running a slow deploy gets SIGTERM: it finishes that step, the other the run.
      services.deploy(new DeployRequest("billing", "b2", "setup/" + UUID.randomUUID(), false));
      Files.writeString(stack.stateDir().resolve("platform/slow"), "8");
      String handover = start("emergency", """
          {"service": "billing", "severity": "P0", "reason": "b2 drops invoices", "toVersion": "b1",
           "monitorFor": "PT0S"}""");
      String busy = awaitRunningDeploy(temporal, handover);
      String other = busy.equals("worker-1") ? "worker-2" : "worker-1";
      ProcessHandle worker = ProcessHandle.of(stack.pid(busy)).orElseThrow();
      Instant sigterm = Instant.now();
      worker.destroy();
      assertThat(awaitEnd(handover)).isEqualTo("succeeded");
      worker.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
      Duration exited = Duration.between(sigterm, Instant.now());
      Files.delete(stack.stateDir().resolve("platform/slow"));
      ActivityShares h = ActivityShares.of(temporal.client(), handover);
      List<ActivityShares.Started> after = h.activities().stream().filter(a -> a.at().isAfter(sigterm)).toList();
      Duration takeover = after.isEmpty() ? Duration.ZERO : Duration.between(sigterm, after.get(0).at());
      long onOther = after.stream().filter(a -> a.worker().equals(other)).count();
      System.out.printf("SIGTERM to %s during a deploy: run succeeded; %d activities %s, attempts above 1: %s;"
              + " %d started after the SIGTERM, %d of them on %s, the first after %d ms; %s exited after %d ms%n",
          busy, h.activities().size(), h.perWorker(), h.retried(), after.size(), onOther, other, takeover.toMillis(),
          busy, exited.toMillis());
      after.forEach(a -> System.out.printf("  after SIGTERM +%d ms: %s on %s, attempt %d%n",
          Duration.between(sigterm, a.at()).toMillis(), a.type(), a.worker(), a.attempt()));
      // The stopping worker polls no more, but a poll it had already sent (one per activity poller,
      // 5) may still hand it a task while it waits for the deploy (seen: one rollback-log write); it
      // runs that to the end too, at attempt 1 (asserted below).
      assertThat(onOther).as("the other worker runs the steps after the SIGTERM: " + after)
          .isPositive().isGreaterThanOrEqualTo(after.size() - 5L);
      // The stopping worker takes no new task but lets the running deploy finish (it keeps
      // heartbeating): nothing is run twice, and the run's next steps go to the other worker.
      assertThat(h.maxAttempt()).as("no step retried: attempts per activity " + h.activities()).isEqualTo(1);
      assertThat(h.activities()).filteredOn(a -> a.type().equals("ServiceDeploy")).singleElement()
          .satisfies(a -> assertThat(a.worker()).as("the deploy ran on the worker that got SIGTERM").isEqualTo(busy));
      assertThat(stack.log(busy)).contains("1 of 1 running activities finished before the worker stopped");
      assertThat(stack.log(busy)).contains("runbook worker: stopping");
      assertThat(Files.readString(stack.stateDir().resolve("platform/billing/current")).trim()).isEqualTo("b1");
      Figures.record("native stack (scripts/stack): two workers, full rollback, restore, SIGTERM mid-deploy",
          "up " + up.took().toMillis() + " ms; shares full " + fullShares.perWorker() + " restore "
              + restoreShares.perWorker() + "; handover first activity after " + takeover.toMillis() + " ms, max attempt "
              + h.maxAttempt());

      // 4. The stack is half up: `up` starts the stopped worker again, and only that.
      NativeStack.Run half = stack.script("status");
      assertThat(half.exit()).as(half.output()).isEqualTo(1);
      assertThat(half.output()).containsPattern(busy + " +down").containsPattern(other + " +up");
      long otherPid = stack.pid(other);
      NativeStack.Run completed = stack.up();
      assertThat(stack.pid(other)).isEqualTo(otherPid);
      assertThat(ProcessHandle.of(stack.pid(busy))).as("a new " + busy).isPresent();
      System.out.printf("up of a half-up stack (one worker down): %d ms%n", completed.took().toMillis());
      try (var logs = Files.list(stack.stackDir().resolve("logs"))) {
        for (Path log : logs.toList()) {
          assertThat(Files.readString(log)).as(log + " holds no password").doesNotContain(password);
        }
      }

      // 5. Down and up again: PostgreSQL kept the runs' histories.
      NativeStack.Run down = stack.down();
      assertThat(stack.script("status").exit()).isEqualTo(1);
      NativeStack.Run upAgain = stack.up();
      System.out.printf("down %d ms, up again %d ms%n", down.took().toMillis(), upAgain.took().toMillis());
      for (String id : List.of(full, restore, handover)) {
        assertThat(phase(id)).as(id).isEqualTo("succeeded");
        assertThat(ActivityShares.of(temporal.client(), id).activities()).as(id).isNotEmpty();
      }
    }
  }

  private HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode post(String path, String token, String body) throws Exception {
    HttpResponse<String> r = send(path, token, body);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 299);
    return json.readTree(r.body());
  }

  private HttpResponse<String> send(String path, String token, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.api() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Starts a run as erin through the API; returns its workflow id. */
  private String start(String kind, String body) throws Exception {
    return post("/api/v1/runs/" + kind, ERIN, body).get("workflowId").asText();
  }

  private String phase(String id) throws Exception {
    HttpResponse<String> r = get(stack.api() + "/api/v1/runs/" + id, ERIN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body()).get("phase").asText();
  }

  /** Waits for the run to end; a run waiting for approval is approved by alice. */
  private String awaitEnd(String id) throws Exception {
    Instant end = Instant.now().plus(Duration.ofMinutes(3));
    String phase = "";
    while (Instant.now().isBefore(end)) {
      phase = phase(id);
      if (ENDED.contains(phase)) {
        return phase;
      }
      if (phase.equals("awaiting-approval")) {
        // 409 until what a restore discards is measured: then the vote is taken.
        HttpResponse<String> r = send("/api/v1/runs/" + id + "/approve", ALICE, "{\"comment\": \"looks right\"}");
        assertThat(r.statusCode()).as(r.body()).isIn(200, 409);
      }
      Thread.sleep(300);
    }
    throw new AssertionError(id + " did not end; last phase " + phase);
  }

  /** The worker (worker-N) running the run's deploy, once it runs. */
  private static String awaitRunningDeploy(TemporalConnection temporal, String workflowId) throws Exception {
    for (int i = 0; i < 300; i++) {
      String w = RunningActivity.worker(temporal, workflowId, "ServiceDeploy");
      if (w != null) {
        return w;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no deploy of " + workflowId + " ran");
  }

  private static long shopQuery(LocalPostgres pg, String sql) throws Exception {
    try (var c = pg.connect(Demo.SHOP_DB); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
