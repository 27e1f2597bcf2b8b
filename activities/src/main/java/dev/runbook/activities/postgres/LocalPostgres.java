package dev.runbook.activities.postgres;

import dev.runbook.activities.Secret;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.exec.CommandRunner.Command;
import dev.runbook.activities.exec.CommandRunner.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL cluster started from the installed binaries: for the demo on a machine
 * with no database, and for tests. It listens on 127.0.0.1 only, with password authentication.
 * PostgreSQL refuses to run as root, so when this process is root the cluster runs as the
 * {@code postgres} user.
 */
public final class LocalPostgres implements AutoCloseable {
  public static final String SUPERUSER = "runbook";
  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
  private static final CommandRunner runner = new CommandRunner();

  private final Path binDir;
  private final Path dataDir;
  private final int port;
  private final Secret password;
  private final boolean asPostgresUser;

  private LocalPostgres(Path binDir, Path dataDir, int port, Secret password, boolean asPostgres) {
    this.binDir = binDir;
    this.dataDir = dataDir;
    this.port = port;
    this.password = password;
    this.asPostgresUser = asPostgres;
  }

  /**
   * Creates the cluster in {@code dataDir} if it does not exist yet, and starts it.
   *
   * @param port the port, or 0 for a free one
   * @param durable false turns off fsync: faster, for tests and throwaway clusters only
   */
  public static LocalPostgres start(Path dataDir, int port, Secret password, boolean durable) {
    Path bin = findBinDir().orElseThrow(
        () -> new IllegalStateException(
            "no PostgreSQL server binaries found (initdb, pg_ctl): install PostgreSQL"
                + " (Debian: apt-get install postgresql) or set RUNBOOK_PG_BIN to their directory"));
    boolean root = isRoot();
    int chosen = port == 0 ? freePort() : port;
    LocalPostgres pg = new LocalPostgres(bin, dataDir.toAbsolutePath(), chosen, password, root);
    pg.initIfNeeded(durable);
    pg.startServer();
    return pg;
  }

  /**
   * Stops a server that an earlier process started on {@code dataDir} and left running (it was
   * killed before it could stop it), so that the cluster can be started again. Only for a caller
   * that knows no live process of its own uses the cluster.
   *
   * @return whether a server was running there and is stopped now
   */
  public static boolean stopLeftover(Path dataDir) {
    if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
      return false;
    }
    Optional<Path> bin = findBinDir();
    if (bin.isEmpty()) {
      return false;
    }
    LocalPostgres pg = new LocalPostgres(bin.get(), dataDir.toAbsolutePath(), 0, Secret.of(""), isRoot());
    if (!pg.running()) {
      return false; // a stale pid file: pg_ctl start handles that itself
    }
    log.info("stopping the PostgreSQL an earlier process left running on {}", dataDir);
    pg.stop();
    return true;
  }

  /** Where initdb and pg_ctl live: RUNBOOK_PG_BIN, pg_config --bindir, the Debian layout, PATH. */
  public static Optional<Path> findBinDir() {
    List<Path> candidates = new ArrayList<>();
    String env = System.getenv("RUNBOOK_PG_BIN");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    try {
      Result r = runner.run(Command.of(List.of("pg_config", "--bindir"), Duration.ofSeconds(10)));
      if (r.ok()) {
        candidates.add(Path.of(r.stdout().strip()));
      }
    } catch (RuntimeException notInstalled) {
      // pg_config is optional; the other places are tried.
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions
            .map(v -> v.resolve("bin"))
            .sorted(Comparator.comparing(LocalPostgres::majorOf).reversed())
            .forEach(candidates::add);
      } catch (IOException ignored) {
        // Unreadable: fall through to PATH.
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        candidates.add(Path.of(dir));
      }
    }
    return candidates.stream()
        .filter(d -> Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl")))
        .findFirst();
  }

  private static int majorOf(Path binDir) {
    try {
      return Integer.parseInt(binDir.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  public String user() {
    return SUPERUSER;
  }

  public Secret password() {
    return password;
  }

  public Path binDir() {
    return binDir;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, password.reveal());
  }

  /** Creates a database if it does not exist. */
  public void createDatabase(String name) {
    try (Connection c = connect("postgres");
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("select 1 from pg_database where datname = '" + name.replace("'", "''") + "'");
      if (!rs.next()) {
        s.execute("create database \"" + name.replace("\"", "\"\"") + "\"");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
  }

  private void initIfNeeded(boolean durable) {
    if (Files.exists(dataDir.resolve("PG_VERSION"))) {
      return;
    }
    try {
      Files.createDirectories(dataDir);
      Path pwFile = dataDir.resolveSibling(dataDir.getFileName() + ".pw");
      Files.writeString(pwFile, password.reveal() + "\n");
      Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-r--r--"));
      handOver(dataDir);
      handOver(pwFile);
      try {
        Result r = runAs(List.of(
            binDir.resolve("initdb").toString(),
            "-D", dataDir.toString(),
            "-U", SUPERUSER,
            "--pwfile=" + pwFile,
            "--auth=scram-sha-256",
            "-E", "UTF8",
            "--locale=C",
            "--no-sync"), Duration.ofMinutes(2));
        if (!r.ok()) {
          throw new IllegalStateException("initdb failed: " + r.tail(1500));
        }
      } finally {
        Files.deleteIfExists(pwFile);
      }
      List<String> conf = new ArrayList<>(List.of(
          "listen_addresses = '127.0.0.1'",
          "unix_socket_directories = ''",
          "max_connections = 200",
          "shared_buffers = 128MB",
          "max_wal_size = 2GB"));
      if (!durable) {
        conf.addAll(List.of("fsync = off", "synchronous_commit = off", "full_page_writes = off"));
      }
      Files.write(dataDir.resolve("postgresql.auto.conf"), conf,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create PostgreSQL cluster in " + dataDir, e);
    }
  }

  private void startServer() {
    Result r = runAs(List.of(
        binDir.resolve("pg_ctl").toString(),
        "-D", dataDir.toString(),
        "-l", dataDir.resolve("server.log").toString(),
        "-o", "-p " + port,
        "-w", "-t", "60",
        "start"), Duration.ofSeconds(90));
    if (!r.ok()) {
      throw new IllegalStateException(
          "PostgreSQL did not start on port " + port + ": " + r.tail(800) + "\n" + logTail());
    }
    log.info("PostgreSQL {} listening on 127.0.0.1:{} (data in {})", binDir, port, dataDir);
  }

  /** Stops the server cleanly (fast mode: sessions are ended, no data lost). */
  public void stop() {
    runAs(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(),
        "-m", "fast", "-w", "stop"), Duration.ofSeconds(60));
  }

  /** Starts the server again on the same port and data. */
  public void restart() {
    startServer();
  }

  /** Kills the postmaster with SIGKILL, as a crash would (for fault tests). */
  public void kill() {
    try {
      String pid = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read the postmaster pid in " + dataDir, e);
    }
  }

  public boolean running() {
    return runAs(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "status"),
        Duration.ofSeconds(10)).ok();
  }

  @Override
  public void close() {
    stop();
  }

  /** Removes the cluster's files (after {@link #stop()}). */
  public void deleteFiles() {
    try (Stream<Path> walk = Files.walk(dataDir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("server.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no server log)";
    }
  }

  private Result runAs(List<String> argv, Duration timeout) {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(argv);
    return runner.run(new Command(full, Map.of(), dataDir.getParent(), timeout));
  }

  /** When running as root, the postgres user must own the cluster and reach it. */
  private void handOver(Path path) throws IOException {
    if (!asPostgresUser) {
      return;
    }
    Result r = runner.run(Command.of(List.of("chown", "-R", "postgres:postgres", path.toString()),
        Duration.ofMinutes(1)));
    if (!r.ok()) {
      throw new IOException("cannot hand " + path + " to the postgres user: " + r.tail(300));
    }
    for (Path p = path.getParent(); p != null; p = p.getParent()) {
      var perms = Files.getPosixFilePermissions(p);
      if (!perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IOException(p + " is not reachable by the postgres user (PostgreSQL refuses to"
            + " run as root): put the cluster under a directory others can traverse, e.g. /tmp,"
            + " or run as a normal user");
      }
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
