package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestMariaDb;
import dev.runbook.activities.support.TestMariaDb.Server;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An emergency rollback with {@code --with-database} of a service whose database is MariaDB,
 * driven only through {@code engine: command} (real mysqldump and mysql from Debian's packages)
 * and command migrations, on the real Temporal server with workers as child JVMs: the first worker
 * is killed with SIGKILL while mysqldump writes the backup, the second after the revert did its
 * work but before Temporal heard of it, the third finishes. The run succeeds with one backup, the
 * revert done once, the service on the target version.
 */
class MariaDbEmergencyIT {
  private static final String SERVICE = "orders";

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path dir;
  static Stack stack;
  static Server maria;
  static String database;
  static Path journal;

  @BeforeAll
  static void start() throws Exception {
    maria = TestMariaDb.server();
    database = TestMariaDb.freshDatabase("orders_e2e");
    Path tool = TestMariaDb.migrationTool(dir.resolve("orders-tool"));
    journal = dir.resolve("reverts.log");
    Path platform = Path.of(MariaDbEmergencyIT.class.getResource("/load/platform.sh").toURI());
    Path state = dir.resolve("platform");
    stack = Stack.create(dir, false, Map.of("ORDERS_DB_PASSWORD", maria.password().reveal()), tree -> {
      @SuppressWarnings("unchecked")
      var services = (Map<String, Object>) tree.get("services");
      services.put(SERVICE, Map.of("adapter", "command", "command", Map.of(
          "deploy", List.of("sh", platform.toString(), state.toString(), "deploy", "{service}", "{version}"),
          "currentVersion", List.of("sh", platform.toString(), state.toString(), "current", "{service}"),
          "health", List.of("sh", platform.toString(), state.toString(), "health", "{service}"))));
      @SuppressWarnings("unchecked")
      var databases = (Map<String, Object>) tree.get("databases");
      databases.put(SERVICE, ordersDatabase(tool));
    });
  }

  /** The database as a team would configure it in runbook.yaml: templates only, no PostgreSQL. */
  private static Map<String, Object> ordersDatabase(Path tool) {
    String mysql = TestMariaDb.program("mysql");
    String cnf = "--defaults-file=" + maria.optionFile();
    String migrate = tool.resolve("migrate.sh").toString();
    Map<String, Object> command = new LinkedHashMap<>();
    command.put("identity", List.of(mysql, cnf, "-N", "-B", "-e", "select @@server_uid, database()", "{database}"));
    command.put("backup", List.of(TestMariaDb.program("mysqldump"), cnf, "--single-transaction", "--routines",
        "--triggers", "--result-file={dir}/dump.sql", "{database}"));
    command.put("verify", List.of("grep", "-q", "^-- Dump completed", "{dir}/dump.sql"));
    command.put("restore", List.of(mysql, cnf, "{database}", "-e", "\\. {dir}/dump.sql"));
    command.put("env", Map.of("MYSQL_PWD", "${ORDERS_DB_PASSWORD}", "MIGRATE_JOURNAL", journal.toString()));
    Map<String, Object> db = new LinkedHashMap<>();
    db.put("engine", "command");
    db.put("host", maria.host());
    db.put("port", maria.port());
    db.put("database", database);
    db.put("timeout", "10m");
    db.put("command", command);
    db.put("migrations", Map.of("kind", "command",
        "down", List.of("sh", migrate, maria.optionFile().toString(), "{database}", "down"),
        "current", List.of("sh", migrate, maria.optionFile().toString(), "{database}", "current"),
        "applied", List.of("sh", migrate, maria.optionFile().toString(), "{database}", "applied")));
    db.put("schemaVersions", Map.of("v1", "2", "v2", "3"));
    db.put("integrityChecks", List.of(Map.of("name", "orders have customers", "equals", 0, "command",
        List.of(mysql, cnf, "-N", "-e",
            "select count(*) from orders o left join customers c on c.id = o.customer_id where c.id is null",
            "{database}"))));
    return db;
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void killedDuringTheBackupAndAfterTheRevertTheRunSucceedsWithOneBackupAndOneRevert() throws Exception {
    // v2 runs over v1 with its schema 3; a table of about 400 MB makes mysqldump take seconds.
    String key = UUID.randomUUID().toString();
    stack.services.deploy(new DeployRequest(SERVICE, "v1", "setup/" + key + "/v1", false));
    stack.services.deploy(new DeployRequest(SERVICE, "v2", "setup/" + key + "/v2", false));
    migrateUp(3);
    maria.execute(database, "create table order_history as select seq as id, repeat(md5(seq), 6) as line"
        + " from seq_1_to_2000000");
    Path backups = stack.backupDir(SERVICE);

    var run = stack.runbooks.start(new EmergencyRollbackRequest(SERVICE, Severity.P0, "5xx since v2 (MariaDB)",
        "erin", false, null, "v1", true, null, null, Duration.ZERO, null));
    try {
      Stack.Worker first = stack.startWorker("during:DatabaseBackup:2000");
      assertThat(first.awaitExit(Duration.ofMinutes(3))).as("the first worker was killed").isTrue();
      assertThat(first.output()).contains("SIGKILL during DatabaseBackup");
      // Killed while mysqldump wrote: a partial backup under its temporary name, none published.
      assertThat(names(backups)).anyMatch(n -> n.startsWith(".tmp-") && n.contains(WorkerCrashIT.tag(run.runId())))
          .noneMatch(n -> !n.startsWith(".") && n.contains(WorkerCrashIT.tag(run.runId())));
      Instant killed = first.exitedAt();

      Stack.Worker second = stack.startWorker("after:DatabaseRevertMigrations:1");
      assertThat(second.awaitExit(Duration.ofMinutes(3))).as("the second worker was killed").isTrue();
      assertThat(second.output()).contains("SIGKILL after DatabaseRevertMigrations did its work");

      Stack.Worker third = stack.startWorker("none");
      awaitEnd(run.runId(), Duration.ofMinutes(3));
      RunStatus s = stack.runbooks.status(run.workflowId());
      third.stop();
      Figures.record("emergency rollback with a MariaDB database (engine: command), worker killed during a"
          + " 400 MB mysqldump and after the revert", "run succeeded " + Duration.between(killed, Instant.now())
          .toSeconds() + " s after the first kill, one backup, one revert");

      assertThat(s.phase()).as(s.outcomeMessage()).isEqualTo(Phase.SUCCEEDED);
      // One backup of the run, published and verified, of this very database; no partial files.
      List<String> ofRun = names(backups).stream().filter(n -> n.contains(WorkerCrashIT.tag(run.runId()))).toList();
      assertThat(ofRun).singleElement().asString().doesNotStartWith(".");
      assertThat(Files.readString(backups.resolve(ofRun.get(0)).resolve("manifest.json")))
          .contains("\"verified\" : true", maria.query("mysql", "select @@server_uid") + " " + database);
      assertThat(stack.logQuery("select count(*) from backups where run_id = ?", run.runId())).isEqualTo(1);
      assertThat(attempts(run.workflowId(), "DatabaseBackup")).as("the backup ran again on the next worker")
          .isGreaterThanOrEqualTo(2);
      // The revert: once, down to schema 2, with the data it keeps.
      assertThat(Files.readAllLines(journal)).containsExactly("reverted 3 in " + database);
      assertThat(maria.query(database, "select max(version) from app_migrations")).isEqualTo("2");
      assertThat(maria.number(database, "select count(*) from orders where price > 0")).isEqualTo(500);
      assertThat(maria.number(database, "select count(*) from order_history")).isEqualTo(2_000_000);
      // The service runs v1.
      assertThat(stack.services.captureEvidence(new ServiceQuery(SERVICE, false)).currentVersion()).isEqualTo("v1");
      assertThat(stack.logQuery("select count(*) from runs where run_id = ? and outcome = 'succeeded'", run.runId()))
          .isEqualTo(1);
    } finally {
      Stack.endRun(stack, run.workflowId());
    }
  }

  private static void migrateUp(int to) {
    Path tool = dir.resolve("orders-tool").resolve("migrate.sh");
    var r = new dev.runbook.activities.exec.CommandRunner().run(new dev.runbook.activities.exec.CommandRunner.Command(
        List.of("sh", tool.toString(), maria.optionFile().toString(), database, "up", Integer.toString(to)),
        maria.env(), null, Duration.ofMinutes(1)));
    assertThat(r.ok()).as(r.tail(800)).isTrue();
  }

  private static List<String> names(Path backups) throws Exception {
    if (!Files.isDirectory(backups)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(backups)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
    }
  }

  /** Waits for the rollback log to say the run ended (a status query would need a live worker). */
  private static void awaitEnd(String runId, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (stack.logQuery("select count(*) from runs where run_id = ? and finished_at is not null", runId) > 0) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the run did not end within " + timeout);
  }

  /** The highest attempt Temporal started of an activity type in the run's history. */
  private static int attempts(String workflowId, String activityType) {
    List<HistoryEvent> events = stack.connection.client().fetchHistory(workflowId).getEvents();
    Map<Long, String> types = new LinkedHashMap<>();
    int max = 0;
    for (HistoryEvent e : events) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        types.put(e.getEventId(), e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        var a = e.getActivityTaskStartedEventAttributes();
        if (activityType.equals(types.get(a.getScheduledEventId()))) {
          max = Math.max(max, a.getAttempt());
        }
      }
    }
    return max;
  }
}
