package dev.runbook.bench.database;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.database.BackupCatalog;
import dev.runbook.activities.database.DatabaseActivitiesImpl;
import dev.runbook.activities.database.DatabaseSettings;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.store.Store;
import dev.runbook.activities.store.StoreMigrations;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

/**
 * The product's database adapter ({@link DatabaseActivitiesImpl}, what a worker runs) for one
 * pgbench database, configured as runbook.yaml would configure it: the real backup store under
 * the measure's directory, pg_dump and pg_restore with one job per core, and a migrated rollback
 * log on the same server for the backup catalog.
 */
final class ProductDatabase implements AutoCloseable {
  static final String NAME = "pgbench";

  private final HikariDataSource log;
  private final DatabaseActivitiesImpl activities;

  ProductDatabase(BenchPostgres bench, String physical, Path backupRoot, int jobs) throws SQLException {
    LocalPostgres pg = bench.server();
    String logDb = "bench_rollback_log";
    if (!bench.exists(logDb)) {
      pg.createDatabase(logDb);
    }
    this.log = Store.pool(pg.jdbcUrl(logDb), pg.user(), pg.password(), 4);
    StoreMigrations.migrate(log);
    DatabaseSettings settings = new DatabaseSettings(pg.host(), pg.port(), physical, pg.user(), pg.password(),
        null, null, jobs, pg.binDir().toString(), null, null, null, null, null, null);
    this.activities = new DatabaseActivitiesImpl(Map.of(NAME, settings), backupRoot, backupRoot, Clock.systemUTC(),
        new BackupCatalog(log));
  }

  DatabaseActivitiesImpl activities() {
    return activities;
  }

  @Override
  public void close() {
    log.close();
  }
}
