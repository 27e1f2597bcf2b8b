package dev.runbook.worker.demo;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runbook.activities.audit.RollbackLogStore;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.DrillLog;
import dev.runbook.starter.Releases;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.cli.CliContext;
import dev.runbook.starter.cli.RunbookCli;
import dev.runbook.starter.cli.Watch;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * The first thing a new user runs. On a machine with nothing configured it sets up what it needs
 * (a PostgreSQL server, a sample service deployed at v2 over v1, a sample database whose migration
 * 3 is bad), runs a P1 emergency rollback with its database revert, approves it as a second
 * person, shows progress as it goes, and prints the rollback log. It passes only if the service
 * answers v1, the schema is back at 2 with its data, and the log has the run.
 *
 * <p>It keeps everything in its own state directory (configuration, service state, backups, its
 * private PostgreSQL), apart from what {@code dev} and {@code worker} keep, and can run any number
 * of times: each run's idempotency keys are its own, and what an earlier run left (a sample
 * service still running, its state) is stopped and cleared first.
 */
public final class Demo {
  public static final String SERVICE = "shop";
  public static final String SHOP_DB = "runbook_demo_shop";
  /** The demo's rollback log, on whichever server it uses: never the one dev or a worker writes. */
  public static final String LOG_DB = "runbook_demo";
  static final String PASSWORD_VAR = "RUNBOOK_DEMO_DB_PASSWORD";
  static final String REQUESTER = "erin";
  static final String APPROVER = "alice";

  private final PrintWriter out;
  private final Path stateDir;
  /** Makes this run's idempotency keys its own: an earlier run's keys are done already. */
  private final String runKey = Long.toString(System.currentTimeMillis(), 36) + "-"
      + UUID.randomUUID().toString().substring(0, 8);

  /** @param stateDir everything this demo writes goes here (and, by its configuration, its worker) */
  public Demo(PrintWriter out, Path stateDir) {
    this.out = out;
    this.stateDir = stateDir.toAbsolutePath();
  }

  /** What the demo set up, for the run and for the checks. */
  public record Setup(Path configFile, int servicePort, String dbHost, int dbPort, String dbUser) {}

  /** The rollback as it went: the run that did it, and how it ended. */
  public record Outcome(String runId, RunStatus end) {}

  public Path stateDir() {
    return stateDir;
  }

  /**
   * Holds the demo's state directory for this process: a second demo in the same directory at the
   * same time is refused (it would stop the first one's service and database as leftovers).
   */
  public AutoCloseable lock() throws IOException {
    Files.createDirectories(stateDir);
    FileChannel channel = FileChannel.open(stateDir.resolve("demo.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException held) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException("another `runbook demo` is using " + stateDir + " right now: wait for"
          + " it to end (or stop it), then run the demo again");
    }
    FileLock held = lock;
    return () -> {
      held.release();
      channel.close();
    };
  }

  /** Creates the sample database (migrations 1 to 3 applied) on the given server. */
  public void createShopDatabase(String host, int port, String user, String password) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(host, port, "postgres"), user, password);
        Statement s = c.createStatement()) {
      s.execute("drop database if exists " + SHOP_DB + " with (force)");
      s.execute("create database " + SHOP_DB);
    }
    Flyway.configure()
        .dataSource(url(host, port, SHOP_DB), user, password)
        .locations("filesystem:" + stateDir.resolve("migrations"))
        .load()
        .migrate();
  }

  /** Writes the demo's runbook.yaml: the sample service, its database, the people. */
  public Setup writeConfig(String dbHost, int dbPort, String dbUser, int temporalPort) throws IOException {
    return writeConfig(dbHost, dbPort, dbUser, temporalPort, System.getProperty("java.class.path"));
  }

  /** @param classpath where the sample service's class is found */
  public Setup writeConfig(String dbHost, int dbPort, String dbUser, int temporalPort, String classpath)
      throws IOException {
    int port = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    Map<String, Object> process = new LinkedHashMap<>();
    process.put("argv", List.of(java, "-Xmx64m", "-cp", classpath,
        "dev.runbook.activities.demo.SampleService", "--port", Integer.toString(port), "--version", "{version}"));
    process.put("stopGrace", "5s");
    process.put("startTimeout", "30s");
    Map<String, Object> shop = new LinkedHashMap<>();
    shop.put("adapter", "process");
    shop.put("process", process);
    shop.put("healthUrl", "http://127.0.0.1:" + port + "/health");
    shop.put("versionUrl", "http://127.0.0.1:" + port + "/version");
    shop.put("versionField", "version");
    shop.put("verifyTimeout", "30s");

    Map<String, Object> db = new LinkedHashMap<>();
    db.put("host", dbHost);
    db.put("port", dbPort);
    db.put("database", SHOP_DB);
    db.put("user", dbUser);
    db.put("password", "${" + PASSWORD_VAR + "}");
    db.put("jobs", 2);
    db.put("migrations", Map.of("kind", "flyway", "dir", "undo"));
    db.put("schemaVersions", Map.of("v1", "2", "v2", "3"));
    db.put("integrityChecks", List.of(
        Map.of("name", "orders-present", "sql", "select count(*) from orders", "min", 1),
        Map.of("name", "every-order-has-a-status", "sql", "select count(*) from orders where status is null", "equals", 0)));

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("temporal", Map.of("address", "${TEMPORAL_ADDRESS:-embedded}", "embeddedPort", temporalPort));
    config.put("people", List.of(
        Map.of("name", REQUESTER, "roles", List.of("on-call")),
        Map.of("name", APPROVER, "roles", List.of("engineering-lead")),
        Map.of("name", "carol", "roles", List.of("engineering-manager"))));
    config.put("services", Map.of(SERVICE, shop));
    config.put("databases", Map.of(SERVICE, db));
    config.put("notify", Map.of("channels", Map.of("terminal", Map.of("kind", "console")),
        "routing", Map.of("team", List.of("terminal"), "approvers", List.of("terminal"), "escalation", List.of("terminal"))));
    config.put("worker", Map.of("stateDir", stateDir.toString(), "metricsListen", "127.0.0.1:0"));

    Path file = stateDir.resolve("runbook.yaml");
    Files.writeString(file, "# Written by `runbook demo`: the sample service and database it rolls back.\n"
        + new YAMLMapper().writeValueAsString(config));
    return new Setup(file, port, dbHost, dbPort, dbUser);
  }

  /** Copies the sample migrations and undo scripts out of the jar into the state directory. */
  public void extractResources() throws IOException {
    for (String sub : List.of("migrations", "undo")) {
      deleteTree(stateDir.resolve(sub));
    }
    for (String name : List.of("migrations/V1__orders.sql", "migrations/V2__order_status.sql",
        "migrations/V3__price_in_cents.sql", "undo/U2__order_status.sql", "undo/U3__price_in_cents.sql")) {
      Path target = stateDir.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = Demo.class.getResourceAsStream("/demo/" + name)) {
        Files.copy(in, target);
      }
    }
  }

  /**
   * Stops the sample service an earlier demo left running (it was interrupted before it could),
   * and clears the service's state (its version history and done keys), so this run starts from
   * v1 and v2 as the first one did.
   *
   * @return whether a leftover service was stopped
   */
  public boolean resetSampleService(ServiceActivitiesImpl services) throws IOException {
    boolean stopped = services.stop(new ServiceAction(SERVICE, "demo/" + runKey + "/stop-leftover", false)).changed();
    deleteTree(stateDir.resolve(SERVICE));
    return stopped;
  }

  /** Deploys v1, then v2 over it: the bad release the demo rolls back. */
  public void deploySampleService(ServiceActivitiesImpl services) {
    services.deploy(new DeployRequest(SERVICE, "v1", "demo/" + runKey + "/deploy-v1", false));
    services.deploy(new DeployRequest(SERVICE, "v2", "demo/" + runKey + "/deploy-v2", false));
  }

  public void stopSampleService(ServiceActivitiesImpl services) {
    services.stop(new ServiceAction(SERVICE, "demo/" + runKey + "/stop", false));
  }

  /**
   * Starts the rollback as the on-call engineer, shows progress, has the requester's own approval
   * refused, approves as the lead, and follows the run to its end.
   */
  public Outcome rollback(RunbookClient client) {
    var request = new EmergencyRollbackRequest(SERVICE, Severity.P1,
        "orders failing since v2: migration 3 dropped the price column", REQUESTER, false, "DEMO-1",
        null, true, null, null, Duration.ZERO, null);
    var started = client.start(request);
    out.printf("%n%s starts a P1 emergency rollback of %s with its database: %s%n", REQUESTER, SERVICE, started.workflowId());
    out.printf("  (the same as: ./runbook start emergency %s -s P1 --with-database -r \"...\" --as %s)%n%n", SERVICE, REQUESTER);
    Watch progress = new Watch(out, false);
    boolean[] voted = {false};
    return new Outcome(started.runId(), client.watch(started.workflowId(), Duration.ofMillis(300), status -> {
      progress.accept(status);
      if (status.phase() == Phase.AWAITING_APPROVAL && !voted[0]) {
        voted[0] = true;
        out.printf("%n%s tries to approve her own run:%n", REQUESTER);
        try {
          client.approve(started.workflowId(), REQUESTER, "it is urgent");
          out.println("  accepted (this should not happen)");
        } catch (RunbookException.Refused refused) {
          out.printf("  refused (%s): %s%n", refused.kind(), refused.getMessage());
        }
        out.printf("%s, an engineering lead, approves:  ./runbook approve %s --as %s%n", APPROVER, started.workflowId(), APPROVER);
        out.printf("  %s%n%n", client.approve(started.workflowId(), APPROVER, "schema revert looks right").message());
        out.flush();
      }
    }));
  }

  /** Prints the rollback log exactly as {@code ./runbook log} does. */
  public void printLog(RunbookClient client, RollbackLogStore store, DrillLog drills, Releases releases,
      BackupList backups) {
    out.printf("%nthe rollback log (./runbook log):%n");
    RollbackLog log = store::recent;
    CliContext context = new CliContext() {
      @Override
      public RunbookClient client() {
        return client;
      }

      @Override
      public RollbackLog log() {
        return log;
      }

      @Override
      public dev.runbook.starter.IncidentReports reports() {
        return dev.runbook.starter.IncidentReports.UNAVAILABLE; // the demo prints the log only
      }

      @Override
      public DrillLog drills() {
        return drills;
      }

      @Override
      public Releases releases() {
        return releases;
      }

      @Override
      public BackupList backups() {
        return backups;
      }

      @Override
      public dev.runbook.starter.BackupImports imports() {
        return new dev.runbook.starter.client.ImportClient(client);
      }

      @Override
      public dev.runbook.starter.BackupJobs jobs() {
        return new dev.runbook.starter.client.TemporalJobs(client, java.time.Duration.ofSeconds(20));
      }

      @Override
      public dev.runbook.starter.DrillJobs drillJobs() {
        return new dev.runbook.starter.client.Drills(client, dev.runbook.starter.client.DrillDefaults.none());
      }

      @Override
      public dev.runbook.starter.Checklists checklists() {
        return new dev.runbook.starter.client.TemporalChecklists(client, run -> List.of());
      }

      @Override
      public Map<String, Environment> environments() {
        return Map.of();
      }
    };
    var cli = RunbookCli.build(context, Map.of());
    cli.setOut(out);
    cli.execute("log", "--limit", "5");
  }

  /** The demo's promise, checked against the real service, database and log (this run's row). */
  public List<String> check(Setup setup, String dbPassword, Outcome outcome, RollbackLogStore store) {
    RunStatus end = outcome.end();
    List<String> failures = new ArrayList<>();
    if (end.phase() != Phase.SUCCEEDED) {
      failures.add("the run ended " + end.phase().label() + ": " + end.outcomeMessage());
    }
    String version = serviceVersion(setup.servicePort());
    if (!version.contains("\"v1\"")) {
      failures.add("the service does not answer v1: " + version);
    }
    try (Connection c = DriverManager.getConnection(url(setup.dbHost(), setup.dbPort(), SHOP_DB), setup.dbUser(), dbPassword);
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("select max(version::int) from flyway_schema_history where success");
      rs.next();
      int schema = rs.getInt(1);
      if (schema != 2) {
        failures.add("the schema is at " + schema + ", not 2");
      }
      rs = s.executeQuery("select count(*), count(*) filter (where price > 0) from orders");
      rs.next();
      if (rs.getLong(1) != 5000 || rs.getLong(2) != 5000) {
        failures.add("orders lost their prices: " + rs.getLong(2) + " of " + rs.getLong(1) + " have one");
      }
    } catch (SQLException e) {
      failures.add("cannot read the shop database: " + e.getMessage());
    }
    List<RollbackLogEntry> log = store.recent(5, SERVICE, false);
    boolean logged = log.stream().anyMatch(e -> e.workflowId().equals(end.workflowId())
        && outcome.runId().equals(e.runId())
        && "succeeded".equals(e.outcome()) && "v2".equals(e.fromVersion()) && "v1".equals(e.toVersion()));
    if (!logged) {
      failures.add("the rollback log has no succeeded run " + end.workflowId() + " (run " + outcome.runId()
          + ") from v2 to v1");
    }
    return failures;
  }

  public static String serviceVersion(int port) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/version")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (IOException e) {
      return "no answer (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static String url(String host, int port, String db) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + db;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
