package dev.runbook.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.Secret;
import dev.runbook.activities.audit.RollbackLogStore;
import dev.runbook.activities.database.BackupCatalog;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.activities.store.Store;
import dev.runbook.starter.api.ApiServer;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.worker.catalog.Catalog;
import dev.runbook.worker.catalog.CatalogStore;
import dev.runbook.worker.catalog.LedgerReleases;
import dev.runbook.worker.catalog.StartChecks;
import dev.runbook.worker.catalog.WorkerSnapshots;
import dev.runbook.worker.metrics.Metrics;
import dev.runbook.worker.temporal.TemporalConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code runbook serve}: the HTTP API alone, beside workers that run elsewhere. It judges starts by
 * the catalog the workers published (their configuration), not by its own, and says which one it
 * uses in every answer.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the HTTP API: start runs, list them, approve, reject, decide, cancel, record deploys,"
        + " the Alertmanager webhook, /openapi.json, /metrics and /healthz. People authenticate with bearer"
        + " tokens (people[].tokenSha256); starts are checked against what the workers run."})
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Supplier<Settings> settings;

  ServeCommand(Supplier<Settings> settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    Settings s = settings.get();
    var apiSettings = s.config().apiSettings();
    if (apiSettings.people().isEmpty()) {
      spec.commandLine().getErr().println("error: nobody could call the API: give people a tokenSha256 in "
          + s.source() + " (`runbook token new --for NAME` prints one)");
      return 2;
    }
    // Before any HTTP server exists in this process: the JDK reads its limits once.
    dev.runbook.starter.api.JdkServerLimits.applyDefaults(apiSettings);
    var t = s.config().temporal();
    String address = t.embedded()
        ? DevState.read(s.stateDir()).map(DevState::temporalAddress).orElse("127.0.0.1:" + t.embeddedPort())
        : t.address();
    Shutdown shutdown = new Shutdown(Duration.ofSeconds(10));
    Metrics metrics = new Metrics();
    try (Processes.Closer closer = new Processes.Closer()) {
      HikariDataSource db = closer.add(rollbackLog(s));
      TemporalConnection temporal = closer.add(TemporalConnection.connect(address, t.namespace(), null, t.tls()));
      CatalogStore catalogs = new CatalogStore(db, Clock.systemUTC());
      Catalog own = s.catalog();
      Supplier<Catalog> workers = () -> catalogs.current(t.taskQueue()).orElse(own);
      ReleaseLedger ledger = new ReleaseLedger(db, Clock.systemUTC());
      RunbookClient runbooks = new RunbookClient(temporal.client(), t.taskQueue(), new StartChecks(workers, ledger));
      RollbackLogStore log = new RollbackLogStore(db);
      ApiServer.Records records = new ApiServer.Records(log::recent,
          new LedgerReleases(ledger, workers, new WorkerSnapshots(temporal.client(), t.taskQueue())),
          new BackupCatalog(db)::list, Wiring.drillLog(db), Wiring.incidentReports(db),
          new dev.runbook.activities.checklist.ChecklistStore(db)::items,
          new dev.runbook.activities.console.ConsoleLinkStore(db)::use);
      ApiServer server = closer.add(new ApiServer(apiSettings, null, () -> workers.get().fingerprint(), runbooks,
          records, metrics::scrape, temporal::reachable).start());
      PrintWriter out = spec.commandLine().getOut();
      out.printf("runbook serve: HTTP API on " + server.scheme() + "://%s (port %d), Temporal %s, workers' configuration %s. Ctrl-C stops it.%n",
          apiSettings.listen(), server.port(), temporal.address(), workers.get().fingerprint());
      out.flush();
      shutdown.await();
    } finally {
      shutdown.done();
    }
    return 0;
  }

  /** The rollback log's database: the configured one, or a running dev's private one. */
  private static HikariDataSource rollbackLog(Settings s) {
    AuditDatabase.Server server = AuditDatabase.configured(s.config().audit());
    if (server == null) {
      DevState dev = DevState.read(s.stateDir()).orElseThrow(() -> new IllegalStateException(
          "no rollback log to serve: configure audit (or " + AuditDatabase.ENV_URL + "), or start `runbook dev`"));
      server = new AuditDatabase.Server(dev.dbHost(), dev.dbPort(), dev.dbUser(), devPassword(s), dev.dbName());
    }
    return Store.pool(server.jdbcUrl(server.database()), server.user(), server.password(), 4);
  }

  private static Secret devPassword(Settings s) {
    try {
      return Secret.of(Files.readString(s.stateDir().resolve("postgres.password")).strip());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the dev database password in " + s.stateDir(), e);
    }
  }
}
