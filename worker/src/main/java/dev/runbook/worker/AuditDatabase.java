package dev.runbook.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.Secret;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.store.Store;
import dev.runbook.activities.store.StoreMigrations;
import dev.runbook.worker.config.AuditSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server that keeps the rollback log, and where to find one: the config's
 * {@code audit} section, else {@code RUNBOOK_DATABASE_URL}, else (for {@code dev} and
 * {@code demo} only) a private cluster started from the installed binaries in the state
 * directory and kept between runs.
 */
public final class AuditDatabase implements AutoCloseable {
  public static final String ENV_URL = "RUNBOOK_DATABASE_URL";
  private static final Logger log = LoggerFactory.getLogger(AuditDatabase.class);

  /** Where a server is: JDBC host/port part, user and password (never logged). */
  public record Server(String host, int port, String user, Secret password, String database) {
    public String jdbcUrl(String db) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + db;
    }

    Connection connect(String db) throws SQLException {
      return DriverManager.getConnection(jdbcUrl(db), user, password.reveal());
    }

    /** The same server and login, another database on it. */
    public Server withDatabase(String db) {
      return new Server(host, port, user, password, db);
    }
  }

  private final Server server;
  private final LocalPostgres owned;
  private final HikariDataSource pool;

  private AuditDatabase(Server server, LocalPostgres owned, HikariDataSource pool) {
    this.server = server;
    this.owned = owned;
    this.pool = pool;
  }

  public Server server() {
    return server;
  }

  public HikariDataSource dataSource() {
    return pool;
  }

  /** The private cluster this process started, if any. */
  public LocalPostgres owned() {
    return owned;
  }

  /** From the config, or RUNBOOK_DATABASE_URL; null when neither says where. */
  public static Server configured(AuditSettings settings) {
    if (settings != null) {
      URI uri = URI.create(settings.url().substring("jdbc:".length()));
      return new Server(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), settings.user(),
          settings.password() == null ? Secret.of("") : settings.password(), uri.getPath().substring(1));
    }
    String url = System.getenv(ENV_URL);
    return url == null || url.isBlank() ? null : parseUrl(url);
  }

  /**
   * A URL like {@code postgresql://user:password@host:5432/db}. The message of a bad one never
   * repeats the URL (it may hold a password).
   */
  static Server parseUrl(String url) {
    try {
      String u = url.startsWith("jdbc:") ? url.substring(5) : url;
      URI uri = URI.create(u.replaceFirst("^postgres:", "postgresql:"));
      if (!"postgresql".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      String user = "postgres";
      String password = "";
      if (uri.getRawUserInfo() != null) {
        String[] parts = uri.getRawUserInfo().split(":", 2);
        user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
      }
      String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "runbook" : uri.getPath().substring(1);
      return new Server(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, Secret.of(password), db);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ENV_URL + " is not a PostgreSQL URL: write it like"
          + " postgresql://USER:PASSWORD@127.0.0.1:5432/runbook");
    }
  }

  /**
   * A server already running on this machine that lets us in with the standard PostgreSQL
   * environment (PGHOST, PGPORT, PGUSER, PGPASSWORD; defaults 127.0.0.1:5432, postgres), or null.
   */
  public static Server localDefault() {
    String host = System.getenv().getOrDefault("PGHOST", "127.0.0.1");
    int port = Integer.parseInt(System.getenv().getOrDefault("PGPORT", "5432"));
    Server s = new Server(host, port, System.getenv().getOrDefault("PGUSER", "postgres"),
        Secret.of(System.getenv().getOrDefault("PGPASSWORD", "")), "runbook");
    try (var socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(host, port), 300);
    } catch (IOException nothingListens) {
      return null;
    }
    try (Connection c = s.connect("postgres")) {
      return s;
    } catch (SQLException notLetIn) {
      log.info("a PostgreSQL server answers on {}:{} but does not let us in as {}; starting a private one",
          host, port, s.user());
      return null;
    }
  }

  /** Connects to a configured server, creating the database if needed, and migrates the log. */
  public static AuditDatabase open(Server server) {
    ensureDatabase(server);
    return migrated(server, null);
  }

  /**
   * For dev and demo: a configured server, else a private cluster in {@code stateDir/postgres}
   * (started from the installed binaries, kept between runs).
   */
  public static AuditDatabase openOrStartPrivate(Server configured, Path stateDir) {
    if (configured != null) {
      return open(configured);
    }
    LocalPostgres pg = LocalPostgres.start(clusterDir(stateDir), 0, privatePassword(stateDir), true);
    Server server = new Server(pg.host(), pg.port(), pg.user(), pg.password(), "runbook");
    ensureDatabase(server);
    return migrated(server, pg);
  }

  /**
   * Stops the private cluster of {@code stateDir} when an earlier process left it running (it was
   * killed before it could stop it). Only for a caller that knows no other process uses it.
   *
   * @return whether one was running and is stopped now
   */
  public static boolean stopLeftoverPrivate(Path stateDir) {
    return LocalPostgres.stopLeftover(clusterDir(stateDir));
  }

  private static AuditDatabase migrated(Server server, LocalPostgres owned) {
    HikariDataSource pool = Store.pool(server.jdbcUrl(server.database()), server.user(), server.password(), 8);
    StoreMigrations.migrate(pool);
    log.info("rollback log in PostgreSQL at {}:{}/{}", server.host(), server.port(), server.database());
    return new AuditDatabase(server, owned, pool);
  }

  /** Creates the log's database when the server does not have it yet. */
  public static void ensureDatabase(Server server) {
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      var rs = s.executeQuery("select 1 from pg_database where datname = '" + server.database().replace("'", "''") + "'");
      if (!rs.next()) {
        s.execute("create database \"" + server.database().replace("\"", "\"\"") + "\"");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reach PostgreSQL at " + server.host() + ":" + server.port()
          + " as " + server.user() + " (" + e.getSQLState() + "): check the audit settings or "
          + ENV_URL, e);
    }
  }

  /**
   * Where the private cluster lives. PostgreSQL refuses to run as root, so as root it runs as the
   * postgres user, which must be able to reach the directory: a state directory that it cannot
   * reach (under /root, say) is swapped for one in the temporary directory.
   */
  private static Path clusterDir(Path stateDir) {
    Path wanted = stateDir.toAbsolutePath().resolve("postgres");
    if (!"root".equals(System.getProperty("user.name")) || reachableByOthers(wanted.getParent())) {
      return wanted;
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "runbook-" + Integer.toHexString(wanted.toString().hashCode()), "postgres");
  }

  private static boolean reachableByOthers(Path dir) {
    try {
      Files.createDirectories(dir);
      for (Path p = dir; p != null; p = p.getParent()) {
        if (!Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The private cluster's password: made once, kept in a file only this user can read. */
  private static Secret privatePassword(Path stateDir) {
    Path file = stateDir.resolve("postgres.password");
    try {
      if (Files.exists(file)) {
        return Secret.of(Files.readString(file).strip());
      }
      Files.createDirectories(stateDir);
      byte[] bytes = new byte[18];
      new SecureRandom().nextBytes(bytes);
      String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      Files.writeString(file, pw);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return Secret.of(pw);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the private database password in " + file, e);
    }
  }

  @Override
  public void close() {
    pool.close();
    if (owned != null) {
      owned.stop();
    }
  }
}
