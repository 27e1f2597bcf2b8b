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
 * (fsync off) and stopped when the JVM exits. Each test asks for its own database by name. Tests
 * about telling servers apart get a second one, its own cluster (so its own system identifier).
 */
public final class TestPostgres {
  private static final AtomicInteger counter = new AtomicInteger();
  private static volatile LocalPostgres server;
  private static volatile LocalPostgres other;

  private TestPostgres() {}

  public static synchronized LocalPostgres server() {
    if (server == null) {
      server = startCluster("runbook-test-pg-");
    }
    return server;
  }

  /** A second server, another cluster than {@link #server()}: same binaries, its own initdb. */
  public static synchronized LocalPostgres otherServer() {
    if (other == null) {
      other = startCluster("runbook-test-pg2-");
    }
    return other;
  }

  private static LocalPostgres startCluster(String prefix) {
    try {
      Path base = Path.of(System.getProperty("java.io.tmpdir"));
      Path dir = Files.createTempDirectory(base, prefix,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      LocalPostgres pg = LocalPostgres.start(dir.resolve("data"), 0, Secret.of("test-" + ProcessHandle.current().pid() + "-pw"), false);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        pg.stop();
        pg.deleteFiles();
        dir.toFile().delete();
      }));
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
