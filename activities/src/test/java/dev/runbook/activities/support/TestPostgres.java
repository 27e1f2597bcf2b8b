package dev.runbook.activities.support;

import dev.runbook.activities.Secret;
import dev.runbook.activities.postgres.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM, started on first use from the installed binaries
 * (fsync off) and stopped when the JVM exits. Each test asks for its own database by name.
 */
public final class TestPostgres {
  private static final AtomicInteger counter = new AtomicInteger();
  private static volatile LocalPostgres server;

  private TestPostgres() {}

  public static synchronized LocalPostgres server() {
    if (server == null) {
      try {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "runbook-test-pg-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        LocalPostgres pg = LocalPostgres.start(dir.resolve("data"), 0, Secret.of("test-" + ProcessHandle.current().pid() + "-pw"), false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          pg.stop();
          pg.deleteFiles();
          dir.toFile().delete();
        }));
        server = pg;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return server;
  }

  /** A fresh, empty database with a unique name starting with {@code prefix}. */
  public static String freshDatabase(String prefix) {
    String name = prefix + "_" + ProcessHandle.current().pid() + "_" + counter.incrementAndGet();
    server().createDatabase(name);
    return name;
  }

  public static Connection connect(String database) throws SQLException {
    return server().connect(database);
  }

  /** Runs SQL statements in a database, for setting up fixtures. */
  public static void execute(String database, String... statements) {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
