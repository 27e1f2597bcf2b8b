package dev.runbook.worker.reliability;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.audit.RollbackLogStore;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.store.Store;
import dev.runbook.activities.store.StoreMigrations;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.config.RunbookConfig;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.ChildJvm;
import dev.runbook.worker.support.RealTemporal;
import dev.runbook.worker.support.Webhook;
import dev.runbook.worker.temporal.TemporalConnection;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.model.RunStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Everything the reliability tests run against, all real: the Temporal server (its own process,
 * SQLite state), PostgreSQL (the sample database and the rollback log), a webhook receiver, the
 * sample service (its own process), and workers as child JVMs that can be killed with SIGKILL.
 */
public final class Stack implements AutoCloseable {
  public final Path dir;
  public final RealTemporal temporal;
  public final LocalPostgres pg;
  public final Webhook webhook;
  public final Path config;
  public final Map<String, String> env;
  public final RunbookConfig settings;
  public final ServiceActivitiesImpl services;
  public final TemporalConnection connection;
  public final RunbookClient runbooks;
  public final HikariDataSource logDb;
  public final RollbackLogStore log;
  public final int servicePort;
  private final Demo demo;
  private final List<Worker> workers = new ArrayList<>();

  /** A worker process and what it printed. */
  public final class Worker {
    final Process process;
    final Path output;
    final Instant started = Instant.now();
    Instant exited;

    Worker(Process process, Path output) {
      this.process = process;
      this.output = output;
    }

    public boolean alive() {
      return process.isAlive();
    }

    /** The process id: Temporal names a worker {@code pid@host} unless told otherwise. */
    public long pid() {
      return process.pid();
    }

    /** Waits until the process ends (it killed itself, or was killed); false on timeout. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
      boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (done && exited == null) {
        exited = Instant.now();
      }
      return done;
    }

    /**
     * Gives a worker that outlived its run 2 s to die by its crash point: one set after the run's
     * last rollback-log write fires just after the log says the run ended (seen in CI: the worker
     * kept as the survivor died, and none was left to answer for the run). A worker that died
     * between two looks at it gets its exit time here (seen in CI: a kill with no time).
     */
    public void awaitKillAfterTheEnd() throws InterruptedException {
      awaitExit(Duration.ofSeconds(2));
    }

    public Instant exitedAt() {
      return exited;
    }

    public int exitCode() {
      return process.exitValue();
    }

    public String output() throws IOException {
      return Files.readString(output);
    }

    public void sigkill() throws InterruptedException {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(10));
    }

    public void stop() throws InterruptedException {
      if (process.isAlive()) {
        process.destroy();
        if (!awaitExit(Duration.ofSeconds(30))) {
          sigkill();
        }
      }
    }
  }

  private Stack(Path dir, RealTemporal temporal, LocalPostgres pg, Webhook webhook, Path config,
      Map<String, String> env, Demo demo, int servicePort, String logDbName) {
    this.dir = dir;
    this.temporal = temporal;
    this.pg = pg;
    this.webhook = webhook;
    this.config = config;
    this.env = env;
    this.demo = demo;
    this.servicePort = servicePort;
    this.settings = ConfigLoader.load(config, env::get);
    this.services = new ServiceActivitiesImpl(settings.services(), config.getParent(), dir.resolve(".runbook"));
    this.connection = TemporalConnection.connect(temporal.address(), "default", null);
    // Short workflow task timeout: a task held by a killed worker moves on within 2 s.
    this.runbooks = new RunbookClient(connection.client(), "runbook", Duration.ofSeconds(2));
    this.logDb = Store.pool(pg.jdbcUrl(logDbName), pg.user(), pg.password(), 4);
    StoreMigrations.migrate(logDb);
    this.log = new RollbackLogStore(logDb);
  }

  /**
   * Starts the server and writes a config for the sample service ("shop") and its database.
   *
   * @param edit changes to the config tree before it is written (extra services, ...)
   */
  public static Stack create(Path dir, Consumer<Map<String, Object>> edit) throws Exception {
    return create(dir, false, edit);
  }

  /** @param temporalOnPostgres keep the Temporal server's state in PostgreSQL instead of SQLite */
  public static Stack create(Path dir, boolean temporalOnPostgres, Consumer<Map<String, Object>> edit) throws Exception {
    return create(dir, temporalOnPostgres, Map.of(), edit);
  }

  /** @param extraEnv more variables for the config's ${...} and the workers (secrets of other databases) */
  public static Stack create(Path dir, boolean temporalOnPostgres, Map<String, String> extraEnv,
      Consumer<Map<String, Object>> edit) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    LocalPostgres pg = TestPostgres.server();
    RealTemporal temporal = temporalOnPostgres
        ? RealTemporal.startOnPostgres(dir.resolve("temporal"), pg.host(), pg.port(), pg.user(), pg.password().reveal(),
            "temporal_" + ProcessHandle.current().pid())
        : RealTemporal.start(dir.resolve("temporal"));
    Webhook webhook = new Webhook();
    Demo demo = new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook"));
    demo.extractResources();
    Demo.Setup setup = demo.writeConfig(pg.host(), pg.port(), pg.user(), 0, ChildJvm.classpath());
    String logDbName = TestPostgres.freshDatabase("reliability_log");

    YAMLMapper yaml = new YAMLMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = yaml.readValue(setup.configFile().toFile(), LinkedHashMap.class);
    tree.put("temporal", Map.of("address", temporal.address(), "namespace", "default", "taskQueue", "runbook"));
    tree.put("audit", Map.of("url", pg.jdbcUrl(logDbName), "user", pg.user(), "password", "${RUNBOOK_DEMO_DB_PASSWORD}"));
    tree.put("notify", Map.of(
        "channels", Map.of("hook", Map.of("kind", "webhook", "url", webhook.url())),
        "routing", Map.of("team", List.of("hook"), "approvers", List.of("hook"), "escalation", List.of("hook"))));
    Map<String, Object> worker = new LinkedHashMap<>();
    worker.put("stateDir", dir.resolve(".runbook").toString());
    worker.put("metricsListen", "127.0.0.1:0");
    worker.put("shutdownGrace", "5s");
    worker.put("maxConcurrentActivities", 50);
    tree.put("worker", worker);
    edit.accept(tree);
    yaml.writeValue(setup.configFile().toFile(), tree);

    Map<String, String> env = new LinkedHashMap<>(extraEnv);
    env.put("RUNBOOK_DEMO_DB_PASSWORD", pg.password().reveal());
    // Every worker gets the same key, as production's do: services with a configuration need it.
    env.putIfAbsent(dev.runbook.activities.config.ConfigKey.ENV, dev.runbook.activities.config.ConfigKey.newKey());
    return new Stack(dir, temporal, pg, webhook, setup.configFile(), env, demo, setup.servicePort(), logDbName);
  }

  /** The sample service at v2 over v1, and the sample database with migrations 1 to 3. */
  public void resetShop() throws SQLException {
    String key = UUID.randomUUID().toString();
    services.deploy(new DeployRequest(Demo.SERVICE, "v1", "reset/" + key + "/v1", false));
    services.deploy(new DeployRequest(Demo.SERVICE, "v2", "reset/" + key + "/v2", false));
    demo.createShopDatabase(pg.host(), pg.port(), pg.user(), pg.password().reveal());
  }

  /**
   * Adds a table of about 220 MB to the sample database, so a backup takes long enough to be
   * interrupted (pg_dump writes it in about ten seconds here).
   */
  public void growShop() throws SQLException {
    try (Connection c = pg.connect(Demo.SHOP_DB); var st = c.createStatement()) {
      st.execute("create table order_history as select i as id, md5(i::text) || repeat(md5((i * 7)::text), 6) as line"
          + " from generate_series(1, 1000000) i");
    }
  }

  /** Starts a worker process with a crash point (see {@code CrashingWorker}). */
  public Worker startWorker(String crash) throws IOException {
    Path out = Files.createTempFile(dir, "worker-", ".log");
    List<String> argv = List.of(ChildJvm.java(), "-Xmx384m", "-cp", ChildJvm.classpath(),
        "dev.runbook.worker.CrashingWorker", config.toString());
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(env);
    pb.environment().put("RUNBOOK_CRASH", crash);
    pb.environment().put("RUNBOOK_CRASH_LEDGER", dir.resolve("crash-ledger.txt").toString());
    Worker w = new Worker(pb.start(), out);
    workers.add(w);
    return w;
  }

  /** What a run took to end under crashing workers: each one's kill, its last words, and the one that lived. */
  public record Crashes(List<Instant> kills, List<String> deaths, Worker survivor) {}

  /**
   * Starts workers one after another, the i-th with {@code crashPoint.apply(i)}, until the rollback
   * log says the run ended; each must die by its own SIGKILL, and the one still alive then is the
   * survivor (it answers the status queries).
   */
  public Crashes crashUntilDone(String runId, java.util.function.IntFunction<String> crashPoint) throws Exception {
    List<Instant> kills = new ArrayList<>();
    List<String> deaths = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      Worker w = startWorker(crashPoint.apply(i));
      while (w.alive() && !runEnded(runId)) {
        w.awaitExit(Duration.ofMillis(250));
      }
      w.awaitKillAfterTheEnd();
      if (w.alive()) {
        return new Crashes(kills, deaths, w);
      }
      String output = w.output();
      if (!output.contains("SIGKILL")) {
        throw new AssertionError("worker " + i + " died, but not by its own SIGKILL:\n" + output);
      }
      output.lines().filter(l -> l.startsWith("SIGKILL")).findFirst().ifPresent(deaths::add);
      kills.add(w.exitedAt());
    }
    throw new AssertionError("the run did not end after 80 workers");
  }

  /** From the rollback log: a status query would wait for a worker, and there may be none. */
  public boolean runEnded(String runId) {
    try {
      return logQuery("select count(*) from runs where run_id = ? and finished_at is not null", runId) > 0;
    } catch (SQLException notYet) {
      return false;
    }
  }

  /**
   * The run's status once a worker answers. A status is a query, which needs a worker, and after a
   * kill the next worker may not have polled yet: Temporal then refuses the query ("no poller seen").
   */
  public RunStatus statusOnceAWorkerPolls(String workflowId) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      try {
        return runbooks.status(workflowId);
      } catch (RunbookException.Unavailable noWorkerYet) {
        if (Instant.now().isAfter(deadline)) {
          throw noWorkerYet;
        }
        Thread.sleep(200);
      }
    }
  }

  /** Terminates the run if it is still open (cleanup after a failed test). */
  public static void endRun(Stack stack, String workflowId) {
    try {
      stack.connection.client().newUntypedWorkflowStub(workflowId).terminate("test cleanup");
    } catch (RuntimeException alreadyClosed) {
      // Nothing left to end.
    }
  }

  /** One number from the sample database. */
  public long shopQuery(String sql) throws SQLException {
    try (Connection c = pg.connect(Demo.SHOP_DB); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** One number from the rollback log database. */
  public long logQuery(String sql, Object... args) throws SQLException {
    try (Connection c = logDb.getConnection(); var ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  public Path backupDir(String database) {
    return dir.resolve(".runbook").resolve("backups").resolve(database);
  }

  @Override
  public void close() throws Exception {
    for (Worker w : workers) {
      w.stop();
    }
    services.stop(new ServiceAction(Demo.SERVICE, "close/" + UUID.randomUUID(), false));
    connection.close();
    logDb.close();
    webhook.close();
    temporal.close();
  }
}
