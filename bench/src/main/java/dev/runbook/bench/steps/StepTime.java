package dev.runbook.bench.steps;

import dev.runbook.bench.Comparison;
import dev.runbook.bench.Measure;
import dev.runbook.bench.Samples;
import dev.runbook.bench.Target;
import dev.runbook.bench.engine.Checkout;
import dev.runbook.bench.engine.Rig;
import dev.runbook.bench.engine.Server;
import dev.runbook.workflows.model.Severity;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Time per step: a P0 emergency rollback (the real workflow and engine, FakeWorld's no-op adapters)
 * against the bare workflow running as many no-op activities, one run after the other,
 * alternating, after a warm-up; on the embedded server and on the real one where it is built.
 */
public final class StepTime implements Measure {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);

  @Override
  public String name() {
    return "step-time";
  }

  @Override
  public List<Comparison> run(Mode mode) throws Exception {
    Path root = Checkout.root();
    List<Comparison> rows = new ArrayList<>();
    for (String kind : Server.kinds(root)) {
      try (Server server = Server.start(kind); Rig rig = Rig.start(server.address())) {
        rows.add(measure(mode, server, rig));
      }
    }
    Path chart = mode == Mode.FULL ? root.resolve("docs/bench-step-time.png") : root.resolve("bench/target/bench-step-time.png");
    StepChart.write(chart, rows);
    return rows;
  }

  private Comparison measure(Mode mode, Server server, Rig rig) throws Exception {
    WorkflowStub first = rig.startRunbook(Severity.P0);
    rig.await(first, RUN_TIMEOUT);
    int activities = rig.activitiesOf(first);
    int warmup = mode.pick(1, 40);
    int runs = mode.pick(3, 60);
    for (int i = 0; i < warmup; i++) {
      runbook(rig, activities);
      bare(rig, activities);
    }
    List<Double> ours = new ArrayList<>();
    List<Double> theirs = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      ours.add(runbook(rig, activities));
      theirs.add(bare(rig, activities));
    }
    return new Comparison(
        "step-time, " + server.kind() + " server: ms per activity step",
        Samples.of("ms", ours),
        "bare workflow, " + activities + " no-op activities in a row",
        Samples.of("ms", theirs),
        Target.ratioAtMost(1.3),
        "on " + server.describe() + ": a P0 emergency rollback (no database, no monitoring; the real workflow, engine"
            + " and WorkerRuntime registration, FakeWorld's in-memory adapters) against a bare workflow with the same"
            + " number of no-op activities (" + activities + ", counted in the rollback's history: every adapter,"
            + " audit, policy and plan call), both workers in one JVM with " + Rig.ACTIVITY_SLOTS + " activity slots;"
            + " wall time from start to result divided by " + activities + "; " + warmup + " warm-up run(s)"
            + " of each, then " + runs + " of each, one at a time, alternating.");
  }

  private static double runbook(Rig rig, int activities) throws Exception {
    long t0 = System.nanoTime();
    WorkflowStub run = rig.startRunbook(Severity.P0);
    rig.await(run, RUN_TIMEOUT);
    return (System.nanoTime() - t0) / 1e6 / activities;
  }

  private static double bare(Rig rig, int activities) throws Exception {
    long t0 = System.nanoTime();
    WorkflowStub run = rig.startBare(activities, -1);
    rig.await(run, RUN_TIMEOUT);
    return (System.nanoTime() - t0) / 1e6 / activities;
  }
}
