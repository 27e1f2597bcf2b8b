package dev.runbook.bench.throughput;

import dev.runbook.bench.Comparison;
import dev.runbook.bench.Measure;
import dev.runbook.bench.Samples;
import dev.runbook.bench.Target;
import dev.runbook.bench.engine.Rig;
import dev.runbook.bench.engine.Server;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Severity;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runbooks per second with many started at once (P0 emergency rollbacks, FakeWorld's adapters)
 * against as many bare workflows of the same activity count; and the RSS of a worker in its own
 * JVM holding that many P1 runs parked at their approval gate. {@code -Drunbook.bench.throughput.runs=N}
 * sets how many (default 500, quick 10); {@code -Drunbook.bench.throughput.rss-only=true} measures
 * the memory only.
 */
public final class Throughput implements Measure {
  private static final int STARTERS = 8;
  private static final String PARKED_QUEUE = "bench-parked";

  @Override
  public String name() {
    return "throughput";
  }

  @Override
  public List<Comparison> run(Mode mode) throws Exception {
    int n = Integer.getInteger("runbook.bench.throughput.runs", mode.pick(10, 500));
    boolean rateToo = !Boolean.getBoolean("runbook.bench.throughput.rss-only");
    // The embedded server only: DESIGN §8's floor is measured there, and 500 runs of either kind on
    // the real server with SQLite take minutes a round.
    List<Comparison> rows = new ArrayList<>();
    if (rateToo) {
      try (Server server = Server.embedded(); Rig rig = Rig.start(server.address())) {
        rows.add(rate(mode, n, server, rig));
      }
    }
    try (Server server = Server.embedded(); Rig rig = Rig.start(server.address())) {
      rows.add(rss(n, server, rig));
    }
    return rows;
  }

  private Comparison rate(Mode mode, int n, Server server, Rig rig) throws Exception {
    WorkflowStub first = rig.startRunbook(Severity.P0);
    rig.await(first, Duration.ofSeconds(30));
    int activities = rig.activitiesOf(first);
    int rounds = mode.pick(1, 5);
    // A warm-up round of a tenth of the size, then the rounds, alternating.
    many(rig, Math.max(3, n / 10), () -> rig.startRunbook(Severity.P0));
    many(rig, Math.max(3, n / 10), () -> rig.startBare(activities, -1));
    List<Double> ours = new ArrayList<>();
    List<Double> theirs = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      ours.add(many(rig, n, () -> rig.startRunbook(Severity.P0)));
      theirs.add(many(rig, n, () -> rig.startBare(activities, -1)));
    }
    return new Comparison(
        "throughput, " + server.kind() + " server: " + n + " P0 runbooks started at once",
        Samples.of("runs/s", ours),
        "bare workflow, " + activities + " no-op activities, " + n + " at once",
        Samples.of("runs/s", theirs),
        Target.ratioAtLeast(0.8),
        "on " + server.describe() + ": " + n + " P0 emergency rollbacks (FakeWorld's adapters, " + activities
            + " activities each) started by " + STARTERS + " threads as fast as the server takes them, against "
            + n + " bare workflows with as many no-op activities; runs/s = " + n + " / (first start to last"
            + " result), one worker JVM with both workers (" + Rig.ACTIVITY_SLOTS + " activity slots each, the SDK's"
            + " default workflow task slots; the runbook worker's workflow cache " + Rig.WORKFLOW_CACHE + " runs, the"
            + " bare worker's the SDK's default 600); a warm-up round of " + Math.max(3, n / 10) + " each, then " + rounds
            + " round(s) of each, alternating.");
  }

  /** Starts {@code n} runs at once, waits for them all; runs per second. */
  private static double many(Rig rig, int n, Supplier<WorkflowStub> start) throws Exception {
    ExecutorService starters = Executors.newFixedThreadPool(STARTERS);
    try {
      long t0 = System.nanoTime();
      List<Future<WorkflowStub>> started = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        started.add(starters.submit(start::get));
      }
      List<CompletableFuture<Object>> results = new ArrayList<>();
      for (Future<WorkflowStub> f : started) {
        results.add(f.get().getResultAsync(Object.class));
      }
      CompletableFuture.allOf(results.toArray(new CompletableFuture[0])).get(10, TimeUnit.MINUTES);
      return n / ((System.nanoTime() - t0) / 1e9);
    } finally {
      starters.shutdownNow();
    }
  }

  private Comparison rss(int n, Server server, Rig rig) throws Exception {
    String prefix = "parked";
    double rss;
    double peak;
    double idle;
    String look;
    try (ChildWorker worker = ChildWorker.start(server.address(), PARKED_QUEUE, prefix, n)) {
      Thread.sleep(1000);
      idle = worker.megabytes("VmRSS");
      List<WorkflowStub> runs = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        runs.add(Rig.startRunbook(rig.client(), PARKED_QUEUE, prefix + i, i % 2 == 0 ? Severity.P2 : Severity.P1));
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      for (WorkflowStub run : runs) {
        Rig.awaitApprovalOpen(run, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      }
      Thread.sleep(2000);
      rss = worker.megabytes("VmRSS");
      peak = worker.megabytes("VmHWM");
      look = worker.firstLook();
      for (WorkflowStub run : runs) {
        if (Rig.status(run).phase() != Phase.AWAITING_APPROVAL) {
          throw new IllegalStateException(run.getExecution().getWorkflowId() + " left its approval gate");
        }
      }
    }
    return new Comparison(
        "throughput, worker RSS with " + n + " runs waiting for approval",
        Samples.of("MB", List.of(rss)),
        null,
        null,
        Target.medianAtMost(300, "MB"),
        "a worker in its own JVM (dev.runbook.bench.throughput.ParkedWorker: WorkerRuntime with every runbook"
            + " workflow, as `runbook worker` registers them, with its default workflow cache of "
            + dev.runbook.worker.temporal.WorkerRuntime.DEFAULT_WORKFLOW_CACHE + " runs, and FakeWorld's adapters;"
            + " the JVM options the runbook launcher gives a worker, worker/src/main/jvm/server.options) against "
            + server.describe().replace("in the measuring JVM", "in the"
            + " measuring JVM, not the worker's") + "; " + n + " emergency rollbacks, P1 and P2 alternately, each"
            + " waited for until its status says it awaits approval, then 2 s; VmRSS from /proc/PID/status: "
            + String.format(java.util.Locale.ROOT, "%.0f MB idle before the runs, %.0f MB with them, peak (VmHWM)"
            + " %.0f MB", idle, rss, peak) + ". One sample. First look (not a profile): " + look
            + ".");
  }
}
