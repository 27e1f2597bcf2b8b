package dev.runbook.activities.support;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Private MariaDB servers for the tests of {@code engine: command}, started on first use from the
 * installed binaries (Debian's mariadb-server-core and mariadb-client: {@code mariadb-install-db},
 * {@code mariadbd}, {@code mysql}, {@code mysqldump}), each with its own data directory, a free
 * port on 127.0.0.1 and a socket of its own, and stopped when the JVM exits. Tests reach them as a
 * team would: the client reads host, port and user from an option file ({@link
 * Server#optionFile()}) and the password from {@code MYSQL_PWD}. A second server (its own data
 * directory and port, so its own {@code @@server_uid}) serves tests that tell servers apart.
 */
public final class TestMariaDb {
  public static final String USER = "runbook";
  private static final AtomicInteger counter = new AtomicInteger();
  private static final CommandRunner runner = new CommandRunner();
  private static volatile Server server;
  private static volatile Server other;

  private TestMariaDb() {}

  /** One running server and how to reach it. */
  public record Server(Path dir, int port, Secret password, Process process) {
    public String host() {
      return "127.0.0.1";
    }

    /** {@code [client]} host, port and user; the password is not in it (MYSQL_PWD). */
    public Path optionFile() {
      return dir.resolve("client.cnf");
    }

    public Path socket() {
      return dir.resolve("mysqld.sock");
    }

    /** The client's environment: the password, as the product passes it (command.env). */
    public Map<String, String> env() {
      return Map.of("MYSQL_PWD", password.reveal());
    }

    /** The client program, reading the option file first. */
    public List<String> client(String... args) {
      List<String> argv = new ArrayList<>(List.of(program("mysql"), "--defaults-file=" + optionFile()));
      argv.addAll(List.of(args));
      return argv;
    }

    /** Runs SQL (several statements separated by ';') in a database; fails the test when it fails. */
    public void execute(String database, String sql) {
      run(client("-N", "-B", "-e", sql, database));
    }

    /** The first column of the first row a query returns, as text; null when it returns no row. */
    public String query(String database, String sql) {
      String out = run(client("-N", "-B", "-e", sql, database)).stdout().strip();
      return out.isEmpty() ? null : out.lines().findFirst().orElseThrow().split("\t", -1)[0];
    }

    public long number(String database, String sql) {
      return Long.parseLong(query(database, sql));
    }

    public boolean exists(String database) {
      return query("mysql", "select count(*) from information_schema.schemata where schema_name = '"
          + database.replace("'", "''") + "'").equals("1");
    }

    public void createDatabase(String name) {
      execute("mysql", "create database if not exists `" + name.replace("`", "``") + "`");
    }

    private Result run(List<String> argv) {
      Result r = runner.run(new Command(argv, env(), null, Duration.ofMinutes(5)));
      if (!r.ok()) {
        throw new IllegalStateException(String.join(" ", argv) + " exited " + r.exitCode() + ": " + r.tail(800));
      }
      return r;
    }

    void stop() {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public static synchronized Server server() {
    if (server == null) {
      server = start("runbook-test-mariadb-");
    }
    return server;
  }

  /** A second server, not {@link #server()}: its own data directory and port. */
  public static synchronized Server otherServer() {
    if (other == null) {
      other = start("runbook-test-mariadb2-");
    }
    return other;
  }

  /** A fresh, empty database on {@link #server()} with a unique name starting with {@code prefix}. */
  public static String freshDatabase(String prefix) {
    String name = prefix + "_" + ProcessHandle.current().pid() + "_" + counter.incrementAndGet();
    server().createDatabase(name);
    return name;
  }

  /** The files of the MariaDB migration tool in test resources, as {@link #migrationTool} copies them. */
  private static final List<String> TOOL = List.of("migrate.sh", "swap.sh", "migrations/1_create_tables.up.sql",
      "migrations/1_create_tables.down.sql", "migrations/2_seed.up.sql", "migrations/2_seed.down.sql",
      "migrations/3_price_in_cents.up.sql", "migrations/3_price_in_cents.down.sql");

  /**
   * Copies the test resources' MariaDB migration tool ({@code migrate.sh} and its migrations) and
   * {@code swap.sh} into {@code dir}, for tests in other modules (where the resources may sit in a
   * jar).
   *
   * @return {@code dir}
   */
  public static Path migrationTool(Path dir) {
    try {
      for (String file : TOOL) {
        Path target = dir.resolve(file);
        Files.createDirectories(target.getParent());
        try (var in = TestMariaDb.class.getResourceAsStream("/database/mariadb/" + file)) {
          if (in == null) {
            throw new IllegalStateException("test resource /database/mariadb/" + file + " is missing");
          }
          Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The installed program: mariadbd lives in sbin, which is not on every user's PATH.
   *
   * @throws IllegalStateException naming the packages to install when it is missing
   */
  public static String program(String name) {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(":")) {
        if (!d.isBlank()) {
          dirs.add(Path.of(d));
        }
      }
    }
    dirs.addAll(List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/usr/local/sbin"), Path.of("/usr/local/bin")));
    Optional<Path> found = dirs.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
    return found.map(Path::toString).orElseThrow(() -> new IllegalStateException("no " + name + " found: install"
        + " MariaDB's server and client (Debian: apt-get install mariadb-server-core mariadb-client;"
        + " scripts/setup test does it)"));
  }

  private static Server start(String prefix) {
    try {
      Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), prefix,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      Path data = dir.resolve("data");
      boolean root = "root".equals(System.getProperty("user.name"));
      List<String> install = new ArrayList<>(List.of(program("mariadb-install-db"), "--no-defaults",
          "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"));
      if (root) {
        install.add("--user=root");
      }
      Result installed = runner.run(new Command(install, Map.of(), dir, Duration.ofMinutes(2)));
      if (!installed.ok()) {
        throw new IllegalStateException("mariadb-install-db failed: " + installed.tail(1500));
      }
      int port = freePort();
      List<String> argv = new ArrayList<>(List.of(program("mariadbd"), "--no-defaults", "--datadir=" + data,
          "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
          "--pid-file=" + dir.resolve("mysqld.pid"), "--skip-name-resolve", "--innodb-buffer-pool-size=64M",
          "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0", "--max-connections=200"));
      if (root) {
        argv.add("--user=root"); // mariadbd runs as root only when told to
      }
      Process process = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(dir.resolve("server.log").toFile()).start();
      Secret password = Secret.of("test-" + ProcessHandle.current().pid() + "-" + port + "-pw");
      Server s = new Server(dir, port, password, process);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        s.stop();
        deleteTree(dir);
      }));
      awaitReady(s);
      List<String> admin = List.of(program("mysql"), "--no-defaults", "--protocol=socket", "--socket=" + s.socket(),
          "--user=root", "-e", "create user '" + USER + "'@'127.0.0.1' identified by '" + password.reveal() + "';"
              + " grant all on *.* to '" + USER + "'@'127.0.0.1' with grant option");
      Result created = runner.run(new Command(admin, Map.of(), dir, Duration.ofMinutes(1)));
      if (!created.ok()) {
        throw new IllegalStateException("cannot create the test user: " + created.tail(800));
      }
      Files.writeString(s.optionFile(), "[client]\nhost=127.0.0.1\nport=" + port + "\nuser=" + USER + "\n");
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitReady(Server s) {
    List<String> ping = List.of(program("mysql"), "--no-defaults", "--protocol=socket", "--socket=" + s.socket(),
        "--user=root", "-e", "select 1");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!s.process().isAlive()) {
        throw new IllegalStateException("mariadbd exited " + s.process().exitValue() + ": " + logTail(s));
      }
      if (Files.exists(s.socket()) && runner.run(Command.of(ping, Duration.ofSeconds(10))).ok()) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while MariaDB started", e);
      }
    }
    throw new IllegalStateException("MariaDB did not answer within 60 s: " + logTail(s));
  }

  private static String logTail(Server s) {
    try {
      List<String> lines = Files.readAllLines(s.dir().resolve("server.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no server log)";
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // Best effort at exit.
    }
  }
}
