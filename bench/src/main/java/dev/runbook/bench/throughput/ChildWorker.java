package dev.runbook.bench.throughput;

import dev.runbook.bench.engine.Classpath;
import dev.runbook.worker.support.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link ParkedWorker} child process: started, its RSS read from /proc, killed. */
final class ChildWorker implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ChildWorker(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts it with the JVM defaults the runbook launcher uses (no heap option) and waits for "ready". */
  static ChildWorker start(String address, String queue, String prefix, int count) throws Exception {
    Path log = Files.createTempFile("bench-worker-", ".log");
    List<String> argv = new ArrayList<>(List.of(ChildJvm.java(), "-cp", Classpath.absolute(),
        ParkedWorker.class.getName(), address, queue, prefix, Integer.toString(count)));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ChildWorker w = new ChildWorker(p, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(log).contains("ready")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        String out = Files.readString(log);
        w.close();
        throw new IllegalStateException("the child worker did not start:\n" + out);
      }
      Thread.sleep(50);
    }
    return w;
  }

  long pid() {
    return process.pid();
  }

  /** VmRSS (or another field of /proc/PID/status, in kB) in MB. */
  double megabytes(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/" + process.pid() + "/status");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(log);
  }
}
