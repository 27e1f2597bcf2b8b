package dev.runbook.activities.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.runbook.activities.Secret;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.flywaydb.core.Flyway;

/** Databases, settings and adapters for the database tests, all on the real test server. */
final class Fixtures {
  static final String NAME = "shop";

  private Fixtures() {}

  static Path resource(String path) {
    try {
      return Path.of(Fixtures.class.getResource("/database/" + path).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static DatabaseSettings settings(String physical, MigrationSettings migrations) {
    return settings(physical, migrations, List.of());
  }

  static DatabaseSettings settings(String physical, MigrationSettings migrations, List<IntegrityCheck> checks) {
    LocalPostgres pg = TestPostgres.server();
    return new DatabaseSettings(pg.host(), pg.port(), physical, pg.user(), pg.password(), null, null,
        2, null, Duration.ofMinutes(10), Duration.ofSeconds(2), migrations,
        migrations == null ? Map.of() : Map.of("2.4.0", "2"), checks, null);
  }

  static MigrationSettings flyway(String undoDir) {
    return new MigrationSettings(MigrationSettings.FLYWAY, null, resource(undoDir).toString(),
        null, null, null, null, null, null);
  }

  static MigrationSettings golang() {
    return new MigrationSettings(MigrationSettings.GOLANG_MIGRATE, null, resource("golang").toString(),
        null, null, null, null, null, null);
  }

  static DatabaseActivitiesImpl adapter(DatabaseSettings settings, Path backupRoot) {
    return new DatabaseActivitiesImpl(Map.of(NAME, settings), backupRoot, backupRoot, Clock.systemUTC(), catalog());
  }

  private static javax.sql.DataSource catalogDb;
  private static BackupCatalog catalog;

  /** One catalog of backups (a migrated rollback log) for the tests of this JVM. */
  static synchronized BackupCatalog catalog() {
    if (catalog == null) {
      catalogDb = TestStore.fresh();
      catalog = new BackupCatalog(catalogDb);
    }
    return catalog;
  }

  /** A session on the catalog's database, to stage what a crash leaves. */
  static java.sql.Connection catalogConnection() throws java.sql.SQLException {
    catalog();
    return catalogDb.getConnection();
  }

  /** The catalog's rows for backups under {@code root}. */
  static java.util.List<dev.runbook.workflows.model.BackupRecord> rowsUnder(Path root) {
    String prefix = root.toAbsolutePath().normalize() + "/";
    return catalog().list(null, BackupCatalog.MAX_LIMIT).stream()
        .filter(r -> r.location().startsWith(prefix)).toList();
  }

  /** Applies the Flyway migrations V1..target with Flyway itself. */
  static void flywayMigrate(String database, String target) {
    LocalPostgres pg = TestPostgres.server();
    Flyway.configure()
        .dataSource(pg.jdbcUrl(database), pg.user(), pg.password().reveal())
        .locations("classpath:database/flyway/sql")
        .target(target)
        .load()
        .migrate();
  }

  /** Applies the golang-migrate up files 1..target as golang-migrate does, one row in schema_migrations. */
  static void golangMigrate(String database, int from, int target) {
    TestPostgres.execute(database,
        "create table if not exists schema_migrations (version bigint not null primary key, dirty boolean not null)");
    for (int v = from; v <= target; v++) {
      TestPostgres.execute(database, read("golang", v + "_", ".up.sql"),
          "delete from schema_migrations", "insert into schema_migrations values (" + v + ", false)");
    }
  }

  private static String read(String dir, String prefix, String suffix) {
    try (var files = java.nio.file.Files.list(resource(dir))) {
      Path f = files.filter(p -> p.getFileName().toString().startsWith(prefix)
          && p.getFileName().toString().endsWith(suffix)).findFirst().orElseThrow();
      return java.nio.file.Files.readString(f);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean exists(String database) {
    try (var c = TestPostgres.connect("postgres");
        var ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
      ps.setString(1, database);
      return ps.executeQuery().next();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The typed failure a call throws. */
  static ApplicationFailure failure(ThrowingCallable call, FailureType type) {
    Throwable t = catchThrowable(call);
    assertThat(t).as("expected a %s failure", type).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure f = (ApplicationFailure) t;
    assertThat(f.getType()).as(f.getOriginalMessage()).isEqualTo(type.name());
    assertThat(f.isNonRetryable()).isEqualTo(!type.retryable());
    return f;
  }

  static Secret password() {
    return TestPostgres.server().password();
  }
}
