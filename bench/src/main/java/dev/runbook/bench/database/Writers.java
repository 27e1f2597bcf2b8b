package dev.runbook.bench.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The application that writes to the database, as a real process: pgbench inserting into
 * pgbench_history at 20 transactions a second, one connection, named {@code bench-writers}.
 * {@link #stop()} ends it (SIGTERM) and waits until its session is gone from the server; {@link
 * #start()} starts it again and returns once its session is on the live database (the writers
 * are back). Each writes a timestamped line to {@code writers.log}: the downtime a restore costs
 * is from the stop's first line to the start's last.
 */
final class Writers implements AutoCloseable {
  static final String APPLICATION = "bench-writers";
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final BenchPostgres pg;
  private final String database;
  private final Path script;
  private final Path log;
  private Process process;

  Writers(BenchPostgres pg, String database, Path dir) throws IOException {
    this.pg = pg;
    this.database = database;
    this.script = dir.resolve("writes.sql");
    this.log = dir.resolve("writers.log");
    Files.writeString(script, """
        \\set aid random(1, 100000)
        INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, 1, CURRENT_TIMESTAMP);
        """);
  }

  /** Starts the writers and waits for their session: the start command, verified. */
  void start() throws IOException, SQLException {
    note("start begins");
    List<String> argv = pg.tool("pgbench", "--no-vacuum", "--client=1", "--rate=20", "--time=86400",
        "--file=" + script);
    argv.addAll(pg.login());
    argv.add(database);
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.resolveSibling("pgbench.out").toFile()));
    pb.environment().putAll(pg.env());
    pb.environment().put("PGAPPNAME", APPLICATION);
    process = pb.start();
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (pg.sessions(database, APPLICATION) == 0) {
      if (!process.isAlive()) {
        throw new IOException("the writers (pgbench on " + database + ") exited " + process.exitValue()
            + " at start: see " + log.resolveSibling("pgbench.out"));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the writers did not connect to " + database + " within 60 s");
      }
      pause();
    }
    note("start done: writing to " + database);
  }

  /** Stops the writers and waits until the server has let their session go: the stop command. */
  void stop() throws IOException, SQLException {
    note("stop begins");
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while stopping the writers", e);
      }
      process = null;
    }
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (pg.sessions(database, APPLICATION) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the writers' session on " + database + " was still there 60 s after they stopped");
      }
      pause();
    }
    note("stop done");
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
      process = null;
    }
  }

  private void note(String what) throws IOException {
    Files.writeString(log, Instant.now() + " " + what + System.lineSeparator(), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the writers", e);
    }
  }
}
