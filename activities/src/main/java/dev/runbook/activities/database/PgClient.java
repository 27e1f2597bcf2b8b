package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.DatabaseIdentity;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * JDBC sessions to one configured server, and the one place SQL errors are classified: refused
 * credentials and unknown databases are permanent, an unreachable server is retried.
 */
final class PgClient {
  private final String name;
  private final DatabaseSettings settings;

  PgClient(String name, DatabaseSettings settings) {
    this.name = name;
    this.settings = settings;
  }

  /** What a session does; SQLExceptions are classified by {@link #run}. */
  interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  /** Runs work in a session on a physical database and closes it. */
  <T> T run(String database, String action, Work<T> work) {
    try (Connection c = connect(database)) {
      return work.apply(c);
    } catch (SQLException e) {
      throw failure(e, database, action);
    }
  }

  <T> T onLive(String action, Work<T> work) {
    return run(settings.database(), action, work);
  }

  <T> T onMaintenance(String action, Work<T> work) {
    return run(settings.maintenanceDatabase(), action, work);
  }

  Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", settings.user());
    props.setProperty("password", settings.password().reveal());
    props.setProperty("ApplicationName", "runbook");
    props.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(url(database), props);
  }

  /** The JDBC URL; it never carries the password. */
  String url(String database) {
    String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
    return "jdbc:postgresql://" + host + ":" + settings.port() + "/"
        + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Text from the server or a tool with the password scrubbed out. */
  String redact(String text) {
    return settings.password().redact(text);
  }

  String where() {
    return settings.host() + ":" + settings.port();
  }

  /**
   * The configured database as the server identifies it now: the server's system identifier
   * (any role may read {@code pg_control_system()}), the configured address and physical name.
   *
   * @param via the physical database to ask through (any one on the server will do)
   */
  DatabaseIdentity identity(String via, String action) {
    return run(via, action, c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select system_identifier::text from pg_control_system()")) {
        rs.next();
        return new DatabaseIdentity(rs.getString(1), settings.host(), settings.port(), settings.database());
      }
    });
  }

  /** Whether a database of that name exists, and its comment (our restore markers live there). */
  static Optional<String> databaseComment(Connection c, String database) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "select coalesce(shobj_description(oid, 'pg_database'), '') from pg_database where datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  static boolean exists(Connection c, String database) throws SQLException {
    return databaseComment(c, database).isPresent();
  }

  /** The SQL that ends the other sessions on a database (shown in plans as run). */
  static String terminateSql(String database) {
    return "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
        + PgNames.literal(database) + " AND pid <> pg_backend_pid()";
  }

  /**
   * Ends the other sessions on a database and waits (up to 5 s) until they are gone. A session
   * ended this way is gone within milliseconds, and the swap waits for it with the writers
   * stopped: the first looks come 2 ms apart, doubling to 50 ms (a fixed 100 ms had cost a swap
   * 0.1 s whenever a session was still closing).
   */
  static void terminate(Connection c, String database) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(terminateSql(database));
    }
    long waited = 0;
    for (long pause = 2; waited < TERMINATE_WAIT_MS && sessions(c, database) > 0; pause = Math.min(pause * 2, 50)) {
      sleep(pause);
      waited += pause;
    }
  }

  private static final long TERMINATE_WAIT_MS = 5_000;

  /** The number of other sessions on a database. */
  static int sessions(Connection c, String database) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "select count(*) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  static String dropSql(String database) {
    return "DROP DATABASE IF EXISTS " + PgNames.ident(database);
  }

  /** Drops a database after ending its sessions; retried while a session still holds it. */
  static void drop(Connection c, String database) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      terminate(c, database);
      try (Statement s = c.createStatement()) {
        s.execute(dropSql(database));
        return;
      } catch (SQLException e) {
        if (!"55006".equals(e.getSQLState()) || attempt == 5) {
          throw e;
        }
        sleep(200);
      }
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The typed failure for a SQL error; the message names the database and what to do. */
  ApplicationFailure failure(SQLException e, String database, String action) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String detail = settings.password().redact(String.valueOf(e.getMessage()));
    String db = "database '" + database + "' (databases." + name + ") on " + where();
    if (state.equals("28P01") || state.equals("28000")) {
      return Failures.of(FailureType.BAD_CREDENTIALS,
          action + ": user '" + settings.user() + "' was refused by " + where() + " (" + detail
              + "): check databases." + name + ".user and its password");
    }
    if (state.equals("3D000")) {
      return Failures.of(FailureType.UNKNOWN_DATABASE,
          action + ": " + db + " does not exist: check databases." + name + ".database");
    }
    if (state.equals("42501")) {
      return Failures.of(FailureType.INVALID_INPUT,
          action + " on " + db + ": permission denied (" + detail + "): grant user '"
              + settings.user() + "' the privilege, or configure a role that has it");
    }
    if (state.startsWith("08") || state.startsWith("57") || state.startsWith("53")
        || state.startsWith("40") || state.equals("55P03") || state.isEmpty()) {
      return Failures.of(FailureType.UNAVAILABLE,
          action + ": " + db + " is not reachable or busy (" + detail + "); will retry");
    }
    return Failures.of(FailureType.INVALID_INPUT,
        action + " on " + db + " failed: " + detail + " [SQLSTATE " + state + "]");
  }
}
