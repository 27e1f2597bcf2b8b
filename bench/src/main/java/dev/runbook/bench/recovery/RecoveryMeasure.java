package dev.runbook.bench.recovery;

import dev.runbook.bench.Comparison;
import dev.runbook.bench.Measure;
import dev.runbook.bench.Samples;
import dev.runbook.bench.Target;
import dev.runbook.worker.reliability.Stack;
import dev.runbook.workflows.engine.ActivityCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Recovery after a worker SIGKILL in the middle of a step, on the real Temporal server: how long
 * from the kill until the step's next attempt starts on another worker process, against the
 * step's heartbeat timeout (the moment Temporal can know the worker died).
 */
public final class RecoveryMeasure implements Measure {
  /** The ceiling on the median recovery, whatever the heartbeat timeout. */
  static final double CEILING_S = 10;

  @Override
  public String name() {
    return "recovery";
  }

  @Override
  public List<Comparison> run(Mode mode) throws Exception {
    RealServer.requireBuilt();
    Duration heartbeat = ActivityCatalog.HEARTBEAT_TIMEOUT;
    int kills = mode.pick(1, 10);
    int runsPerKill = mode.pick(2, 1);
    // Long enough that the kill is mid-deploy even when the second worker takes long to start on a
    // busy machine (the runs are ended once the next attempt started: the length costs nothing).
    long deploySeconds = Math.max(120, 4 * heartbeat.toSeconds());
    Path dir = Files.createTempDirectory("runbook-bench-recovery-");
    LongDeploy deploy = new LongDeploy(dir.resolve("slow"), deploySeconds, kills * runsPerKill);
    Stack stack = null;
    List<Double> recoveries = new ArrayList<>();
    try {
      long t0 = System.nanoTime();
      stack = Stack.create(dir, deploy::addTo);
      System.out.printf("bench: recovery: server, PostgreSQL and configuration up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      KillTrial trial = new KillTrial(stack, new Random(16), heartbeat, mode == Mode.FULL);
      Stack.Worker holder = stack.startWorker("none");
      for (int i = 0; i < kills; i++) {
        KillTrial.Outcome o = trial.run(holder, i * runsPerKill, runsPerKill);
        recoveries.addAll(o.recoveries());
        System.out.println("bench: recovery: kill " + (i + 1) + " of " + kills + ": recovered in " + o.recoveries() + " s");
        holder = o.survivor();
      }
    } finally {
      try {
        if (stack != null) {
          stack.close();
        } else {
          RealServer.stopIfRunning(dir.resolve("temporal"));
        }
      } finally {
        deploy.stopLeftovers();
        deleteTree(dir);
      }
    }
    Samples ours = Samples.of("s", recoveries);
    double hb = heartbeat.toMillis() / 1000.0;
    String how = "the real Temporal server (scripts/temporal-server, SQLite) and the product's worker"
        + " (`runbook worker` wiring) as its own OS process; a P0 emergency rollback of a service driven"
        + " through commands whose deploy takes " + deploySeconds + " s and heartbeats through the"
        + " product's CommandRunner (ActivityCatalog.SERVICE: heartbeat timeout"
        + " ActivityCatalog.HEARTBEAT_TIMEOUT = " + fmt(hb) + " s, first retry after "
        + fmt(ActivityCatalog.SERVICE.getRetryOptions().getInitialInterval().toMillis() / 1000.0) + " s). With a second"
        + " worker process already polling, the worker running the deploy is killed with SIGKILL "
        + (mode == Mode.FULL ? "at a random point 1 s to 2 s into it (moved by a second when the second"
            + " worker polls later); the worker sends the server a heartbeat for every running step once a"
            + " second (its keep-alive and heartbeat throttle), so the kills fall at every point of its"
            + " heartbeat cycle and recovery lies between the timeout minus a second and the timeout, plus"
            + " the retry's backoff"
            : "as soon as the second worker polls (quick: no spread over the heartbeat cycle)")
        + ". Recovery = the kill to the start"
        + " of the deploy's attempt 2 on the other worker, as the server records it (the pending"
        + " activity's last started time); then the run is ended. " + kills + " kill(s) x " + runsPerKill
        + " run(s) at a time. Compared with the heartbeat timeout itself (" + fmt(hb) + " s): Temporal cannot"
        + " know sooner that a worker died in a step.";
    return List.of(
        new Comparison("recovery after a worker SIGKILL mid-step (real server)", ours,
            "heartbeat timeout " + fmt(hb) + " s (+ 2 s)", null, Target.medianAtMost(hb + 2, "s"), how),
        new Comparison("recovery after a worker SIGKILL mid-step, issue's ceiling", ours,
            "the issue's ceiling", null, Target.medianAtMost(CEILING_S, "s"),
            "the same samples as the row above, against the issue's ceiling of " + fmt(CEILING_S)
                + " s: heartbeat timeouts short enough that recovery is at most 10 s."));
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
