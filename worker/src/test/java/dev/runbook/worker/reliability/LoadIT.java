package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 120 runs of mixed types at once (72 emergency, 24 database reverts, 24 full rollbacks) while
 * the worker is killed with SIGKILL and replaced twice: every run completes, none is lost, none is
 * duplicated, and every deploy happened once. (200 ran 93 s in CI for no more cover; the bench's
 * 500 P0 runs at once measure the rate.)
 */
class LoadIT {
  static final int EMERGENCY = 72;
  static final int DATABASE = 24;
  static final int FULL = 24;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void aHundredAndTwentyRunsSurviveTwoWorkerKills() throws Exception {
    Path platform = Path.of(LoadIT.class.getResource("/load/platform.sh").toURI());
    Path state = dir.resolve("platform");
    Map<String, String> dbNames = new LinkedHashMap<>();
    for (int i = 1; i <= DATABASE; i++) {
      dbNames.put(String.format("d%03d", i), TestPostgres.freshDatabase("load"));
    }
    var pg = TestPostgres.server();
    try (Stack stack = Stack.create(dir, tree -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> services = new LinkedHashMap<>((Map<String, Object>) tree.get("services"));
      Map<String, Object> environments = new LinkedHashMap<>();
      for (String s : serviceNames()) {
        services.put(s, Map.of("adapter", "command", "command", Map.of(
            "deploy", List.of("sh", platform.toString(), state.toString(), "deploy", "{service}", "{version}"),
            "stop", List.of("sh", platform.toString(), state.toString(), "stop", "{service}"),
            "start", List.of("sh", platform.toString(), state.toString(), "start", "{service}"),
            "currentVersion", List.of("sh", platform.toString(), state.toString(), "current", "{service}"),
            "listVersions", List.of("sh", platform.toString(), state.toString(), "versions", "{service}"),
            "health", List.of("sh", platform.toString(), state.toString(), "health", "{service}"),
            "timeout", "30s")));
        if (s.startsWith("f")) {
          environments.put("env-" + s, Map.of("services", List.of(s), "databases", List.of()));
        }
      }
      tree.put("services", services);
      tree.put("environments", environments);
      @SuppressWarnings("unchecked")
      Map<String, Object> databases = new LinkedHashMap<>((Map<String, Object>) tree.get("databases"));
      dbNames.forEach((name, physical) -> databases.put(name, Map.of(
          "host", pg.host(), "port", pg.port(), "database", physical, "user", pg.user(),
          "password", "${RUNBOOK_DEMO_DB_PASSWORD}", "jobs", 1,
          "migrations", Map.of("kind", "flyway", "dir", dir.resolve("undo").toString()))));
      tree.put("databases", databases);
    })) {
      Files.createDirectories(dir.resolve("undo"));
      Files.copy(Path.of(LoadIT.class.getResource("/load/undo/U2__price.sql").toURI()), dir.resolve("undo/U2__price.sql"));
      for (String s : serviceNames()) {
        Path d = state.resolve(s);
        Files.createDirectories(d);
        Files.writeString(d.resolve("current"), "v2\n");
        Files.writeString(d.resolve("versions"), "v1\nv0\n");
      }
      String location = "filesystem:" + Path.of(LoadIT.class.getResource("/load/migrations").toURI());
      for (String physical : dbNames.values()) {
        Flyway.configure().dataSource(pg.jdbcUrl(physical), pg.user(), pg.password().reveal()).locations(location).load().migrate();
      }

      List<RunbookRequest> requests = new ArrayList<>();
      for (String s : serviceNames()) {
        if (s.startsWith("s")) {
          requests.add(new EmergencyRollbackRequest(s, Severity.P0, "load", "erin", false, null, null, false,
              null, null, Duration.ZERO, null));
        } else {
          requests.add(new FullRollbackRequest("env-" + s, List.of(s), List.of(), Severity.P0, "load", "erin",
              false, null, null, null, null));
        }
      }
      dbNames.keySet().forEach(d -> requests.add(new DatabaseRollbackRequest(d, d, Severity.P0, "load", "erin",
          false, null, DatabaseMode.REVERT, null, "1", null, null, null, null, null)));
      assertThat(requests).hasSize(EMERGENCY + DATABASE + FULL);

      Stack.Worker worker = stack.startWorker("none");
      Instant t0 = Instant.now();
      Map<String, String> runIds = new ConcurrentHashMap<>();
      ExecutorService starters = Executors.newFixedThreadPool(16);
      for (RunbookRequest r : requests) {
        starters.submit(() -> runIds.put(r.workflowId(), stack.runbooks.start(r).runId()));
      }
      starters.shutdown();
      assertThat(starters.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
      Duration startAll = Duration.between(t0, Instant.now());
      assertThat(runIds).hasSize(requests.size());

      List<Duration> recoveries = new ArrayList<>();
      for (int kill = 0; kill < 2; kill++) {
        Thread.sleep(8000);
        int before = finished(stack, runIds);
        assertThat(before).as("runs still open at kill " + (kill + 1)).isLessThan(runIds.size());
        worker.sigkill();
        Instant killed = Instant.now();
        worker = stack.startWorker("none");
        Instant end = killed.plus(Duration.ofMinutes(3));
        while (finished(stack, runIds) == before && Instant.now().isBefore(end)) {
          Thread.sleep(250);
        }
        recoveries.add(Duration.between(killed, Instant.now()));
      }

      Instant deadline = Instant.now().plus(Duration.ofMinutes(12));
      while (finished(stack, runIds) < runIds.size() && Instant.now().isBefore(deadline)) {
        Thread.sleep(1000);
      }
      Duration all = Duration.between(t0, Instant.now());

      Map<Phase, Integer> outcomes = new LinkedHashMap<>();
      for (String id : runIds.keySet()) {
        RunStatus s = stack.runbooks.status(id);
        outcomes.merge(s.phase(), 1, Integer::sum);
      }
      worker.stop();
      assertThat(outcomes).as("outcomes").containsExactly(Map.entry(Phase.SUCCEEDED, requests.size()));
      assertThat(stack.logQuery("select count(*) from runs where reason = 'load'")).as("runs in the log").isEqualTo(requests.size());
      assertThat(stack.logQuery("select count(distinct workflow_id) from runs where reason = 'load'")).isEqualTo(requests.size());
      assertThat(stack.logQuery("select count(*) from runs where reason = 'load' and outcome = 'succeeded'")).isEqualTo(requests.size());
      for (String s : serviceNames()) {
        assertThat(Files.readString(state.resolve(s).resolve("current")).strip()).as(s).isEqualTo("v1");
        assertThat(Files.readAllLines(state.resolve(s).resolve("deploys"))).as("deploys of " + s).containsExactly("v1");
      }
      for (String physical : dbNames.values()) {
        try (var c = pg.connect(physical); var rs = c.createStatement().executeQuery(
            "select max(version::int), count(*) from flyway_schema_history where success")) {
          rs.next();
          assertThat(rs.getInt(1)).as(physical).isEqualTo(1);
        }
      }
      Figures.record("load: " + requests.size() + " concurrent runs (" + EMERGENCY + " emergency, " + DATABASE
              + " database, " + FULL + " full), worker killed twice",
          "all " + requests.size() + " succeeded in " + all.toSeconds() + " s (started in " + startAll.toMillis() + " ms), 0 lost, 0 duplicated,"
              + " progress again after each kill: " + Figures.summary(recoveries));
    }
  }

  static List<String> serviceNames() {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= EMERGENCY; i++) {
      names.add(String.format("s%03d", i));
    }
    for (int i = 1; i <= FULL; i++) {
      names.add(String.format("f%03d", i));
    }
    return names;
  }

  private static int finished(Stack stack, Map<String, String> runIds) throws Exception {
    return (int) stack.logQuery("select count(*) from runs where reason = 'load' and finished_at is not null");
  }
}
