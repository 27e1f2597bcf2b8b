package dev.runbook.worker.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The real Temporal server, built from its Go module by {@code scripts/temporal-server} (cached
 * after the first build) and run as its own process with its state in a SQLite file, so it can be
 * killed with SIGKILL and started again on the same state.
 */
public final class RealTemporal implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final String db;
  private final java.util.Map<String, String> env;

  private RealTemporal(Path dir, int port, String db, java.util.Map<String, String> env) {
    this.dir = dir;
    this.port = port;
    this.db = db;
    this.env = env;
  }

  /** The server with its state in a SQLite file under {@code dir}. */
  public static RealTemporal start(Path dir) {
    return start(dir, "sqlite", java.util.Map.of());
  }

  /**
   * The server with its state in PostgreSQL (databases {@code prefix} and {@code prefix_visibility}
   * on the given server), its schema set up by the server's own SQL tool.
   */
  public static RealTemporal startOnPostgres(Path dir, String host, int pgPort, String user, String password, String prefix) {
    return start(dir, "postgres", java.util.Map.of(
        "TEMPORAL_PG_HOST", host, "TEMPORAL_PG_PORT", Integer.toString(pgPort), "TEMPORAL_PG_USER", user,
        "TEMPORAL_PG_PASSWORD", password, "TEMPORAL_PG_DB", prefix, "TEMPORAL_PG_VISIBILITY_DB", prefix + "_visibility"));
  }

  private static RealTemporal start(Path dir, String db, java.util.Map<String, String> env) {
    script(Duration.ofMinutes(20), java.util.Map.of(), "install");
    RealTemporal t = new RealTemporal(dir, freeRange(), db, env);
    t.startAgain();
    return t;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Starts the server on the same port and state (after {@link #kill9()} or {@link #stop()}). */
  public Duration startAgain() {
    long t0 = System.nanoTime();
    script(Duration.ofMinutes(4), env, "start", "--db", db, "--port", Integer.toString(port), "--dir", dir.toString());
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** SIGKILL, as a crash would. */
  public void kill9() {
    script(Duration.ofMinutes(1), env, "kill9", "--db", db, "--dir", dir.toString());
  }

  public void stop() {
    script(Duration.ofMinutes(1), env, "stop", "--db", db, "--dir", dir.toString());
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Builds the Temporal CLI if it is not built yet ({@code scripts/temporal-cli install}), or waits
   * for the build another process is running (the script holds a lock while it builds): a test
   * that needs the CLI runs with it, never skips for its absence.
   */
  public static void installCli() {
    run("temporal-cli", Duration.ofMinutes(20), java.util.Map.of(), "install");
  }

  /** The repository's scripts/temporal-server, found from the module directory upwards. */
  static Path scriptPath() {
    return scriptPath("temporal-server");
  }

  private static Path scriptPath(String name) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path s = p.resolve("scripts").resolve(name);
      if (Files.isExecutable(s)) {
        return s;
      }
    }
    throw new IllegalStateException("scripts/" + name + " not found above " + Path.of("").toAbsolutePath());
  }

  private static void script(Duration timeout, java.util.Map<String, String> env, String... args) {
    run("temporal-server", timeout, env, args);
  }

  private static void run(String name, Duration timeout, java.util.Map<String, String> env, String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of(scriptPath(name).toString()));
    argv.addAll(List.of(args));
    try {
      Path log = Files.createTempFile(name, ".log");
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("scripts/" + name + " " + String.join(" ", args) + " timed out:\n" + Files.readString(log));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("scripts/" + name + " " + String.join(" ", args) + " failed:\n" + Files.readString(log));
      }
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A port P with P..P+8 free: the server's services take nine ports from its frontend port. All
   * below 32768: with PostgreSQL persistence the server keeps its ports in a smallint column.
   */
  private static int freeRange() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 32_000);
      boolean free = true;
      for (int p = base; p <= base + 8 && free; p++) {
        try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no nine free ports in a row");
  }
}
