package dev.runbook.bench.database;

import dev.runbook.activities.Secret;
import dev.runbook.activities.postgres.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One private PostgreSQL cluster for the database measures of this JVM, from Debian's installed
 * binaries, started on first use (as the postgres user when the bench runs as root) and stopped
 * and deleted when the JVM exits. fsync is off: it speeds up the alternatives' restores (every
 * byte they write) more than the staged swap's renames, so the comparison errs in their favour.
 * It also builds the pgbench databases the measures restore and back up.
 */
final class BenchPostgres {
  private static BenchPostgres shared;

  private final LocalPostgres pg;
  private final Path home;

  private BenchPostgres(LocalPostgres pg, Path home) {
    this.pg = pg;
    this.home = home;
  }

  static synchronized BenchPostgres shared() throws IOException {
    if (shared == null) {
      Path home = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "runbook-bench-pg-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      LocalPostgres pg = LocalPostgres.start(home.resolve("data"), 0,
          Secret.of("bench-" + ProcessHandle.current().pid()), false);
      BenchPostgres made = new BenchPostgres(pg, home);
      Runtime.getRuntime().addShutdownHook(new Thread(made::shutDown, "bench-postgres-stop"));
      shared = made;
    }
    return shared;
  }

  private void shutDown() {
    try {
      pg.stop();
    } finally {
      pg.deleteFiles();
      dev.runbook.bench.engine.Deletes.tree(home);
    }
  }

  LocalPostgres server() {
    return pg;
  }

  /** A directory of the measure's own, under the cluster's (deleted with it at the latest). */
  Path workDir(String name) throws IOException {
    return Files.createTempDirectory(home, name + "-");
  }

  /** The argv of a client tool (pg_dump, pg_restore, psql, pgbench, ...) from the server's binaries. */
  List<String> tool(String name, String... args) {
    List<String> argv = new ArrayList<>(List.of(pg.binDir().resolve(name).toString()));
    argv.addAll(List.of(args));
    return argv;
  }

  /** Host, port and user for a client tool (pgbench takes no more); the password goes in {@link #env()}. */
  List<String> login() {
    return List.of("--host=" + pg.host(), "--port=" + pg.port(), "--username=" + pg.user());
  }

  /** The login, never prompting, and the database: for pg_dump, pg_restore and psql. */
  List<String> connection(String database) {
    List<String> argv = new ArrayList<>(login());
    argv.addAll(List.of("--no-password", "--dbname=" + database));
    return argv;
  }

  Map<String, String> env() {
    return Map.of("PGPASSWORD", pg.password().reveal());
  }

  /**
   * The pgbench database of this scale ({@code pgbench -i -s SCALE}), built once per JVM: 100,000
   * rows in pgbench_accounts per scale unit, about 15 MB each.
   */
  synchronized String pgbench(int scale) throws IOException, SQLException {
    String name = "pgbench_s" + scale;
    if (!exists(name)) {
      pg.createDatabase(name);
      List<String> argv = tool("pgbench", "--initialize", "--quiet", "--scale=" + scale);
      argv.addAll(login());
      argv.add(name);
      Processes.run(argv, env(), "pgbench -i -s " + scale);
    }
    return name;
  }

  boolean exists(String database) throws SQLException {
    try (Connection c = pg.connect("postgres");
        PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  long sizeBytes(String database) throws SQLException {
    try (Connection c = pg.connect("postgres");
        PreparedStatement ps = c.prepareStatement("select pg_database_size(?)")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Drops a database the measure made, ending its sessions first. */
  void drop(String database) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS \"" + database.replace("\"", "\"\"") + "\" WITH (FORCE)");
    }
  }

  /** Sessions on {@code database} whose application name is {@code application}. */
  int sessions(String database, String application) throws SQLException {
    try (Connection c = pg.connect("postgres");
        PreparedStatement ps = c.prepareStatement(
            "select count(*) from pg_stat_activity where datname = ? and application_name = ?")) {
      ps.setString(1, database);
      ps.setString(2, application);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
