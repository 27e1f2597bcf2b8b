package dev.runbook.worker;

import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.starter.Releases;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.starter.api.ApiServer;
import dev.runbook.starter.api.ApiSettings;
import dev.runbook.worker.catalog.Catalog;
import dev.runbook.worker.catalog.CatalogStore;
import dev.runbook.worker.catalog.LedgerReleases;
import dev.runbook.worker.catalog.StartChecks;
import dev.runbook.worker.metrics.Metrics;
import java.time.Clock;
import dev.runbook.worker.metrics.MetricsServer;
import dev.runbook.worker.schedule.DrillSchedules;
import dev.runbook.worker.schedule.Schedules;
import dev.runbook.worker.temporal.DevServer;
import dev.runbook.worker.temporal.EmbeddedTemporal;
import dev.runbook.worker.temporal.TemporalUi;
import dev.runbook.worker.temporal.TemporalConnection;
import dev.runbook.worker.temporal.WorkerRuntime;
import java.io.PrintWriter;
import java.util.function.Supplier;
import java.util.ArrayDeque;
import java.util.Deque;
import io.temporal.common.interceptors.WorkerInterceptor;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The long-running processes: the worker command, and the stack dev and demo run. */
final class Processes {
  private Processes() {}

  /** Things to close in reverse order of opening. */
  static final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    <T extends AutoCloseable> T add(T c) {
      if (c != null) {
        open.push(c);
      }
      return c;
    }

    @Override
    public void close() {
      while (!open.isEmpty()) {
        try {
          open.pop().close();
        } catch (Exception e) {
          System.err.println("while stopping: " + e.getMessage());
        }
      }
    }
  }

  @Command(name = "worker", mixinStandardHelpOptions = true,
      description = {"Run a worker against a Temporal server: it runs the runbooks' steps, applies the rollback log's"
          + " schema, and serves /metrics and /healthz. Stops gracefully on SIGTERM or Ctrl-C."})
  static final class WorkerCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    private final Supplier<Settings> settings;

    WorkerCommand(Supplier<Settings> settings) {
      this.settings = settings;
    }

    @Override
    public Integer call() throws Exception {
      return run(settings.get(), spec.commandLine().getOut(), spec.commandLine().getErr(), List.of());
    }

    /** Runs a worker until SIGTERM; the interceptors wrap every execution (tests inject faults). */
    static int run(Settings s, PrintWriter out, PrintWriter err, List<WorkerInterceptor> interceptors)
        throws InterruptedException {
      var t = s.config().temporal();
      if (t.embedded()) {
        err.println("error: temporal.address is embedded, and a worker alone cannot host it:"
            + " run `runbook dev` (embedded server, worker and API in one process) or set temporal.address to a server");
        return 2;
      }
      AuditDatabase.Server db = AuditDatabase.configured(s.config().audit());
      if (db == null) {
        err.println("error: no database for the rollback log: set audit in "
            + s.source() + " or " + AuditDatabase.ENV_URL);
        return 2;
      }
      var configKey = ConfigKeys.required(s, System::getenv);
      String identity;
      try {
        identity = dev.runbook.worker.temporal.WorkerIdentity.of(System::getenv);
      } catch (IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return 2;
      }
      Shutdown shutdown = new Shutdown(s.config().worker().shutdownGrace());
      try (Closer closer = new Closer()) {
        Metrics metrics = new Metrics();
        AuditDatabase audit = closer.add(AuditDatabase.open(db));
        new CatalogStore(audit.dataSource(), Clock.systemUTC()).publish(s.catalog(), CatalogStore.thisWorker());
        TemporalConnection conn = closer.add(TemporalConnection.connect(t.address(), t.namespace(), metrics.temporalScope(), t.tls()));
        conn.ensureSearchAttributes();
        closer.add(WorkerRuntime.start(conn.client(), t.taskQueue(), s.config().worker().maxConcurrentActivities(),
            s.config().worker().workflowCacheSize(), s.config().worker().shutdownGrace(), identity, interceptors,
            Wiring.activities(s, audit, metrics, System.out, conn.client(), configKey,
                t.uiUrl() == null ? null : new TemporalUi(t.uiUrl(), t.namespace()))));
        schedules(s, conn).forEach(out::println);
        MetricsServer ms = closer.add(new MetricsServer(s.config().worker().metricsListen(), metrics::scrape, conn::reachable));
        out.printf("runbook worker: task queue %s on %s; metrics on http://%s/metrics (port %d). Ctrl-C stops it.%n",
            t.taskQueue(), t.address(), s.config().worker().metricsListen(), ms.port());
        out.flush();
        shutdown.await();
        out.println("runbook worker: stopping (running activities get " + s.config().worker().shutdownGrace().toSeconds() + "s)");
        out.flush();
      } finally {
        shutdown.done();
      }
      return 0;
    }
  }

  /**
   * Brings the databases' and the drills' schedules in step with the configuration (see {@link
   * Schedules}, {@link DrillSchedules}).
   * A schedule that cannot be set up is a warning, and the worker goes on: rollbacks do not wait
   * for it.
   *
   * @return a line per database and per scheduled drill saying what its schedule runs, for the process's console
   */
  static List<String> schedules(Settings s, TemporalConnection conn) {
    List<String> lines = new java.util.ArrayList<>(databaseSchedules(s, conn));
    lines.addAll(drillSchedules(s, conn));
    return lines;
  }

  private static List<String> databaseSchedules(Settings s, TemporalConnection conn) {
    var wanted = Schedules.of(s.config().databases());
    try {
      return new Schedules(conn.client(), s.config().temporal().taskQueue(), s.source()).reconcile(wanted).lines(wanted);
    } catch (RuntimeException e) {
      return List.of("warning: the databases' schedules could not be set up on " + conn.address() + " ("
          + e.getMessage() + "): scheduled backups and cleanups do not run until a worker starts again");
    }
  }

  /**
   * Brings the drills' schedules in step with the configuration (see {@link DrillSchedules}); a
   * target the catalog refuses for a drill (production) never gets one.
   */
  private static List<String> drillSchedules(Settings s, TemporalConnection conn) {
    var wanted = s.config().drillSchedules();
    var checks = dev.runbook.worker.catalog.StartChecks.of(s.catalog(), null);
    try {
      return new DrillSchedules(conn.client(), s.config().temporal().taskQueue(), s.source(), checks::drillTargetProblems)
          .reconcile(wanted).lines(wanted);
    } catch (RuntimeException e) {
      return List.of("warning: the drills' schedules could not be set up on " + conn.address() + " ("
          + e.getMessage() + "): scheduled drills do not run until a worker starts again");
    }
  }

  /**
   * A Temporal server (unless the config names a real one: the Temporal CLI's dev server when
   * dev is given the CLI, else the in-memory Java test server), the rollback log, a worker and the API.
   */
  static final class DevStack implements AutoCloseable {
    final Closer closer = new Closer();
    final Settings settings;
    final Metrics metrics = new Metrics();
    /** The in-memory Java test server this stack hosts, or null. */
    final EmbeddedTemporal embedded;
    /** The CLI's dev server this stack hosts, or null. */
    final DevServer devServer;
    /** Where runs are shown in Temporal UI, or null when no UI is known. */
    final TemporalUi ui;
    final AuditDatabase audit;
    final TemporalConnection connection;
    final WorkerRuntime worker;
    /** What each database's schedule runs (one line each), for the console. */
    final List<String> schedules;
    /** Starts runs checked against this stack's configuration and release ledger. */
    final RunbookClient runbooks;
    final Releases releases;
    final dev.runbook.starter.api.ApiServer api;

    DevStack(Settings s, java.io.PrintStream console) {
      this(s, null, console, null);
    }

    DevStack(Settings s, AuditDatabase audit, java.io.PrintStream console) {
      this(s, audit, console, null);
    }

    /**
     * @param audit an open rollback-log database to use (the caller closes it), or null to find one
     * @param localSecret a local dev's secret: its holder may act as anyone under people with
     *     --as; null trusts tokens only
     */
    DevStack(Settings s, AuditDatabase audit, java.io.PrintStream console, String localSecret) {
      this(s, audit, console, localSecret, System::getenv);
    }

    /** @param env where the worker's secrets come from ({@code RUNBOOK_CONFIG_KEY}) */
    DevStack(Settings s, AuditDatabase audit, java.io.PrintStream console, String localSecret,
        java.util.function.Function<String, String> env) {
      this(s, audit, console, localSecret, env, null);
    }

    /**
     * @param temporalCli the Temporal CLI whose dev server hosts Temporal when temporal.address is
     *     embedded; null: the in-memory Java test server
     */
    DevStack(Settings s, AuditDatabase audit, java.io.PrintStream console, String localSecret,
        java.util.function.Function<String, String> env, java.nio.file.Path temporalCli) {
      this.settings = s;
      var configKey = ConfigKeys.required(s, env);
      try {
        var t = s.config().temporal();
        devServer = t.embedded() && temporalCli != null ? closer.add(DevServer.start(temporalCli,
            s.stateDir().resolve("temporal"), t.embeddedPort(), t.uiPort(), t.namespace(), DEV_SERVER_START)) : null;
        embedded = t.embedded() && devServer == null ? closer.add(EmbeddedTemporal.start(t.embeddedPort())) : null;
        String address = devServer != null ? devServer.address() : embedded != null ? embedded.address() : t.address();
        String uiUrl = devServer != null ? devServer.uiUrl() : t.uiUrl();
        ui = uiUrl == null ? null : new TemporalUi(uiUrl, t.namespace());
        if (audit == null) {
          AuditDatabase.Server db = AuditDatabase.configured(s.config().audit());
          audit = closer.add(AuditDatabase.openOrStartPrivate(db == null ? AuditDatabase.localDefault() : db, s.stateDir()));
        }
        this.audit = audit;
        connection = closer.add(TemporalConnection.connect(address, t.namespace(), metrics.temporalScope(),
            t.embedded() ? null : t.tls()));
        connection.ensureSearchAttributes();
        worker = closer.add(WorkerRuntime.start(connection.client(), t.taskQueue(),
            s.config().worker().maxConcurrentActivities(), s.config().worker().workflowCacheSize(),
            s.config().worker().shutdownGrace(), null, List.of(),
            Wiring.activities(s, audit, metrics, console, connection.client(), configKey, ui)));
        schedules = schedules(s, connection);
        ReleaseLedger ledger = new ReleaseLedger(audit.dataSource(), Clock.systemUTC());
        Catalog catalog = s.catalog();
        new CatalogStore(audit.dataSource(), Clock.systemUTC()).publish(catalog, CatalogStore.thisWorker());
        releases = new LedgerReleases(ledger, () -> catalog,
            new dev.runbook.worker.catalog.WorkerSnapshots(connection.client(), t.taskQueue()));
        runbooks = new RunbookClient(connection.client(), t.taskQueue(), StartChecks.of(catalog, ledger));
        var apiSettings = s.config().apiSettings();
        ApiServer.LocalDev local = localSecret == null ? null : new ApiServer.LocalDev(localSecret,
            s.config().people().stream().map(p -> p.toPerson()).toList(), s.source());
        if (apiSettings.people().isEmpty() && local == null) {
          api = null;
        } else {
          var store = new dev.runbook.activities.audit.RollbackLogStore(audit.dataSource());
          api = closer.add(listen(apiSettings, local, catalog, store, connection).start());
        }
      } catch (RuntimeException e) {
        closer.close();
        throw e;
      }
    }

    /**
     * The API on api.listen; a local dev without an api section takes any free port when the
     * default one is taken (its CLI finds it through the state file).
     */
    private ApiServer listen(ApiSettings apiSettings, ApiServer.LocalDev local, Catalog catalog,
        dev.runbook.activities.audit.RollbackLogStore store, TemporalConnection connection) {
      try {
        return new ApiServer(apiSettings, local, catalog::fingerprint, runbooks, records(store),
            metrics::scrape, connection::reachable);
      } catch (java.io.IOException e) {
        boolean chosen = settings.config().api() != null && settings.config().api().listen() != null;
        if (local != null && !chosen) {
          try {
            return new ApiServer(apiSettings.withListen("127.0.0.1:0"), local, catalog::fingerprint, runbooks,
                records(store), metrics::scrape, connection::reachable);
          } catch (java.io.IOException again) {
            e.addSuppressed(again);
          }
        }
        throw new java.io.UncheckedIOException("the HTTP API cannot listen on " + apiSettings.listen()
            + ": " + e.getMessage() + " (set api.listen to a free address)", e);
      }
    }

    private ApiServer.Records records(dev.runbook.activities.audit.RollbackLogStore store) {
      var backups = new dev.runbook.activities.database.BackupCatalog(audit.dataSource());
      return new ApiServer.Records(store::recent, releases, backups::list,
          Wiring.drillLog(audit.dataSource()), Wiring.incidentReports(audit.dataSource()),
          new dev.runbook.activities.checklist.ChecklistStore(audit.dataSource())::items,
          new dev.runbook.activities.console.ConsoleLinkStore(audit.dataSource())::use);
    }

    String address() {
      return connection.address();
    }

    /** How long the CLI's dev server may take to answer. */
    static final java.time.Duration DEV_SERVER_START = java.time.Duration.ofSeconds(60);

    @Override
    public void close() {
      closer.close();
    }
  }
}
