package dev.runbook.activities.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the rollback log's schema (Flyway, {@code db/runbook}) to the audit database. */
public final class StoreMigrations {
  public static final String LOCATION = "classpath:db/runbook";
  public static final String HISTORY_TABLE = "runbook_schema_history";

  private StoreMigrations() {}

  /** Migrates to the latest version; safe to call at every start and from several workers. */
  public static MigrateResult migrate(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations(LOCATION)
        .table(HISTORY_TABLE)
        .baselineOnMigrate(true)
        // Each migration adds tables of its own and none depends on a later one, so a database
        // that met a newer one first (a development build) still takes an older one it lacks.
        .outOfOrder(true)
        .load()
        .migrate();
  }
}
