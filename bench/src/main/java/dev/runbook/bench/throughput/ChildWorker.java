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

  /** The launcher's JVM options for long-running commands, `runbook worker` among them. */
  static final Path SERVER_OPTIONS = dev.runbook.bench.engine.Checkout.root().resolve("worker/src/main/jvm/server.options");

  /** Starts it with the JVM options the runbook launcher gives a worker and waits for "ready". */
  static ChildWorker start(String address, String queue, String prefix, int count) throws Exception {
    Path log = Files.createTempFile("bench-worker-", ".log");
    List<String> argv = new ArrayList<>(List.of(ChildJvm.java(), "@" + SERVER_OPTIONS));
    argv.addAll(jvmOptions());
    argv.addAll(List.of("-cp", Classpath.absolute(), ParkedWorker.class.getName(), address, queue, prefix,
        Integer.toString(count)));
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

  /** JVM options to try on the worker ({@code -Drunbook.bench.worker.jvm="-Xss256k ..."}); none by default. */
  static List<String> jvmOptions() {
    String given = System.getProperty("runbook.bench.worker.jvm", "").strip();
    return given.isEmpty() ? List.of() : List.of(given.split("\\s+"));
  }

  long pid() {
    return process.pid();
  }

  /** VmRSS (or another field of /proc/PID/status in kB) in MB. */
  double megabytes(String field) throws IOException {
    return status(field) / 1024.0;
  }

  /** A field of /proc/PID/status, its number. */
  long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/" + process.pid() + "/status");
  }

  /**
   * A first look at where the memory goes: the thread count, then (jcmd GC.run, GC.heap_info) the
   * heap committed and used after a full collection, and the metaspace used.
   */
  String firstLook() throws Exception {
    long threads = status("Threads");
    Path jcmd = Path.of(ChildJvm.java()).resolveSibling("jcmd");
    jcmd(jcmd, "GC.run");
    String info = jcmd(jcmd, "GC.heap_info");
    var heap = java.util.regex.Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
    var meta = java.util.regex.Pattern.compile("Metaspace\\s+used (\\d+)K").matcher(info);
    if (!heap.find() || !meta.find()) {
      return threads + " threads (jcmd GC.heap_info said nothing readable)";
    }
    return String.format(java.util.Locale.ROOT,
        "%d threads; after a full GC the heap has %.0f MB committed, %.0f MB used; metaspace %.0f MB used",
        threads, Long.parseLong(heap.group(1)) / 1024.0, Long.parseLong(heap.group(2)) / 1024.0,
        Long.parseLong(meta.group(1)) / 1024.0);
  }

  private String jcmd(Path jcmd, String command) throws Exception {
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
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
