package dev.runbook.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.Secret;
import dev.runbook.activities.audit.RollbackLogStore;
import dev.runbook.activities.store.Store;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.cli.CliContext;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.worker.config.ConfigException;
import dev.runbook.worker.temporal.TemporalConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CLI's view of the world, connected on first use: Temporal at the configured address (or
 * the one a running {@code runbook dev} announced), the rollback log in the configured database
 * (or dev's private one).
 */
final class LiveContext implements CliContext, AutoCloseable {
  private final Path configFile;
  private Settings settings;
  private TemporalConnection temporal;
  private RunbookClient client;
  private HikariDataSource logDb;

  LiveContext(Path configFile) {
    this.configFile = configFile;
  }

  Settings settings() {
    if (settings == null) {
      settings = Settings.load(configFile);
    }
    return settings;
  }

  @Override
  public synchronized RunbookClient client() {
    if (client == null) {
      var t = settings().config().temporal();
      String address = t.embedded()
          ? DevState.read(settings().stateDir()).map(DevState::temporalAddress).orElse("127.0.0.1:" + t.embeddedPort())
          : t.address();
      temporal = TemporalConnection.connect(address, t.namespace(), null);
      client = new RunbookClient(temporal.client(), t.taskQueue());
    }
    return client;
  }

  /** Whether Temporal answers now (the API's health probe). */
  boolean reachable() {
    client();
    return temporal.reachable();
  }

  String temporalAddress() {
    client();
    return temporal.address();
  }

  @Override
  public synchronized RollbackLog log() {
    if (logDb == null) {
      AuditDatabase.Server server = AuditDatabase.configured(settings().config().audit());
      if (server == null) {
        DevState dev = DevState.read(settings().stateDir()).orElseThrow(() -> new ConfigException(
            settings().source(), List.of("audit: not set, so there is no rollback log to read: set audit (or "
                + AuditDatabase.ENV_URL + "), or start `runbook dev` with this configuration")));
        server = new AuditDatabase.Server(dev.dbHost(), dev.dbPort(), dev.dbUser(), devPassword(), dev.dbName());
      }
      logDb = Store.pool(server.jdbcUrl(server.database()), server.user(), server.password(), 2);
    }
    RollbackLogStore store = new RollbackLogStore(logDb);
    return store::recent;
  }

  private Secret devPassword() {
    try {
      return Secret.of(Files.readString(settings().stateDir().resolve("postgres.password")).strip());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the dev database password in " + settings().stateDir(), e);
    }
  }

  @Override
  public Map<String, Environment> environments() {
    Map<String, Environment> envs = new LinkedHashMap<>();
    settings().config().environments().forEach((name, e) -> envs.put(name, new Environment(e.services(), e.databaseList())));
    return envs;
  }

  @Override
  public void close() {
    if (logDb != null) {
      logDb.close();
    }
    if (temporal != null) {
      temporal.close();
    }
  }
}
