package dev.runbook.bench.demo;

import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.worker.demo.Demo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The alternative: a bash script ({@code rollback.sh} beside this class) running the commands the
 * runbook runs, in the same order, against the same sample service and database.
 */
final class ScriptRollback implements AutoCloseable {
  private final SampleShop shop;
  private final Path script;
  private final Path backups;
  private final Path newPid;
  private final Path output;

  ScriptRollback(SampleShop shop, Path dir) throws IOException {
    this.shop = shop;
    Files.createDirectories(dir);
    this.script = dir.resolve("rollback.sh");
    try (InputStream in = ScriptRollback.class.getResourceAsStream("rollback.sh")) {
      Files.copy(in, script);
    }
    this.backups = Files.createDirectories(dir.resolve("backups"));
    this.newPid = dir.resolve("service.pid");
    this.output = dir.resolve("script.log");
  }

  /** The script from start to exit; @return seconds */
  double rollback(Breakdown parts) throws Exception {
    Path marks = output.resolveSibling("marks.txt");
    Files.deleteIfExists(marks);
    List<String> argv = new ArrayList<>(List.of("bash", script.toString()));
    argv.addAll(shop.serviceArgv("v1"));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile());
    var env = pb.environment();
    // The PostgreSQL tools the runbook uses (its newest installed PostgreSQL), not a wrapper on PATH.
    LocalPostgres.findBinDir().ifPresent(bin -> env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin")));
    env.put("PGHOST", shop.pg.host());
    env.put("PGPORT", Integer.toString(shop.pg.port()));
    env.put("PGUSER", shop.pg.user());
    env.put("PGPASSWORD", shop.password);
    env.put("SHOP_DB", Demo.SHOP_DB);
    env.put("BACKUP_DIR", backups.toString());
    env.put("UNDO_SCRIPT", shop.dir.resolve("undo").resolve("U3__price_in_cents.sql").toString());
    env.put("PID_FILE", shop.pidFile().toString());
    env.put("NEW_PID_FILE", newPid.toString());
    env.put("SERVICE_LOG", shop.dir.resolve("script-service.log").toString());
    env.put("HEALTH_URL", shop.url("/health"));
    env.put("VERSION_URL", shop.url("/version"));
    env.put("MARKS", marks.toString());
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("the rollback script did not end in 5 minutes: " + Files.readString(output));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (p.exitValue() != 0) {
      throw new IllegalStateException("the rollback script exited " + p.exitValue() + ": " + Files.readString(output));
    }
    parts.addMarks(marks);
    List<String> failures = shop.rolledBack();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("the rollback script did not roll back: " + failures);
    }
    return seconds;
  }

  /** Stops the service the script started (the adapter does not know it) and drops its backups. */
  void cleanUp() throws Exception {
    if (Files.exists(newPid)) {
      String text = Files.readString(newPid).trim();
      Files.delete(newPid);
      var handle = ProcessHandle.of(Long.parseLong(text));
      if (handle.isPresent()) {
        handle.get().destroy();
        try {
          handle.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException stuck) {
          handle.get().destroyForcibly();
        }
      }
    }
    try (var list = Files.list(backups)) {
      for (Path b : list.toList()) {
        SampleShopFiles.deleteTree(b);
      }
    }
  }

  @Override
  public void close() throws Exception {
    cleanUp();
  }
}
