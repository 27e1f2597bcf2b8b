package dev.runbook.activities.support;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.store.Store;
import dev.runbook.activities.store.StoreMigrations;

/** A fresh, migrated audit database on the test PostgreSQL server. */
public final class TestStore {
  private TestStore() {}

  public static HikariDataSource fresh() {
    LocalPostgres pg = TestPostgres.server();
    String db = TestPostgres.freshDatabase("audit");
    HikariDataSource ds = Store.pool(pg.jdbcUrl(db), pg.user(), pg.password(), 4);
    StoreMigrations.migrate(ds);
    return ds;
  }
}
