package dev.runbook.bench.recovery;

import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.client.Runbooks.Started;
import dev.runbook.worker.reliability.Stack;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One kill: runs whose long deploy runs on the worker {@code holder}, a second worker process
 * started and polling, then SIGKILL to the holder in the middle of the deploy; each run's recovery
 * is the time from the kill to the server's start of the deploy's next attempt on the other worker.
 */
final class KillTrial {
  private static final String TASK_QUEUE = "runbook";
  private static final Duration POLL = Duration.ofMillis(100);

  private final Stack stack;
  private final Pending pending;
  private final Random random;
  private final Duration heartbeat;
  private final boolean spreadKills;

  /**
   * @param spreadKills kill at a random point of the heartbeat cycle; false: as soon as the second
   *     worker polls (the quick mode's proof that the measure runs)
   */
  KillTrial(Stack stack, Random random, Duration heartbeat, boolean spreadKills) {
    this.stack = stack;
    this.pending = new Pending(stack.connection.client());
    this.random = random;
    this.heartbeat = heartbeat;
    this.spreadKills = spreadKills;
  }

  /** The recoveries (seconds), one per run, and the worker left alive for the next kill. */
  record Outcome(List<Double> recoveries, Stack.Worker survivor) {}

  /**
   * @param holder the only live worker: every run's deploy starts on it
   * @param firstService the first of the {@code runs} services this kill uses: a service of its own
   *     per run, so a deploy an ended run left running for a while cannot touch this one
   */
  Outcome run(Stack.Worker holder, int firstService, int runs) throws Exception {
    List<Started> started = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      started.add(start(LongDeploy.service(firstService + i)));
    }
    try {
      Instant firstStart = null;
      for (Started s : started) {
        Pending.Attempt a = await("the deploy of " + s.workflowId() + " to start", Duration.ofSeconds(60),
            () -> pending.started(s.workflowId(), s.runId(), LongDeploy.ACTIVITY).orElse(null));
        if (Pending.pidOf(a.worker()) != holder.pid()) {
          throw new IllegalStateException("the deploy started on " + a.worker() + ", not on the one worker up (pid "
              + holder.pid() + ")");
        }
        firstStart = firstStart == null || a.started().isBefore(firstStart) ? a.started() : firstStart;
      }
      say("the deploys run on pid " + holder.pid());
      Stack.Worker other = stack.startWorker("none");
      await("the second worker (pid " + other.pid() + ") to poll", Duration.ofSeconds(90),
          () -> pending.polling(TASK_QUEUE, other.pid()) ? Boolean.TRUE : null);
      say("the second worker (pid " + other.pid() + ") polls");
      // A random point over one heartbeat interval (the worker heartbeats every running step once a
      // second): every point of the heartbeat cycle is hit. A second worker that polls later than
      // that point moves the kill by that span.
      long cycleMs = Math.min(1000, (long) (0.8 * heartbeat.toMillis()));
      long offsetMs = 1000 + (spreadKills ? (long) (random.nextDouble() * cycleMs) : 0);
      long readyMs = Duration.between(firstStart, Instant.now()).toMillis();
      while (spreadKills && offsetMs < readyMs) {
        offsetMs += cycleMs;
      }
      long waitMs = Duration.between(Instant.now(), firstStart.plusMillis(offsetMs)).toMillis();
      if (waitMs > 0) {
        Thread.sleep(waitMs);
      }
      for (Started s : started) {
        var now = pending.started(s.workflowId(), s.runId(), LongDeploy.ACTIVITY);
        if (now.map(Pending.Attempt::number).orElse(0) != 1) {
          throw new IllegalStateException("the deploy of " + s.workflowId() + " is no longer in its first attempt"
              + " at the kill, " + offsetMs + " ms after it started: " + now.map(Object::toString).orElse("none running")
              + "; the worker's output ends with:\n" + tail(holder.output(), 3000));
        }
      }
      Instant killed = Instant.now();
      holder.sigkill();
      say("SIGKILL sent to pid " + holder.pid());
      List<Double> recoveries = new ArrayList<>();
      for (Started s : started) {
        Pending.Attempt next = await("attempt 2 of the deploy of " + s.workflowId(),
            heartbeat.multipliedBy(3).plusSeconds(60),
            () -> pending.started(s.workflowId(), s.runId(), LongDeploy.ACTIVITY)
                .filter(a -> a.number() >= 2).orElse(null));
        if (Pending.pidOf(next.worker()) != other.pid()) {
          throw new IllegalStateException("attempt " + next.number() + " started on " + next.worker()
              + ", not on the second worker (pid " + other.pid() + ")");
        }
        recoveries.add(Duration.between(killed, next.started()).toMillis() / 1000.0);
      }
      return new Outcome(recoveries, other);
    } finally {
      for (Started s : started) {
        Stack.endRun(stack, s.workflowId());
      }
    }
  }

  /**
   * Starts the rollback of {@code service}. A server slow to answer on a busy machine may have
   * started it all the same: the run it started is taken then (no other run of these services is
   * open).
   */
  private Started start(String service) throws InterruptedException {
    var request = new EmergencyRollbackRequest(service, Severity.P0, "bench: a worker dies in the middle of the deploy",
        "erin", false, null, "v1", false, null, null, Duration.ZERO, null);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try {
        return stack.runbooks.start(request);
      } catch (RunbookException.Conflict ours) {
        return new Started(request.workflowId(), pending.latestRun(request.workflowId()), false);
      } catch (RunbookException.Unavailable slow) {
        if (System.nanoTime() > deadline) {
          throw slow;
        }
        say("the server did not answer the start in time; again");
        Thread.sleep(1000);
      }
    }
  }

  private static String tail(String s, int chars) {
    return s.length() <= chars ? s : s.substring(s.length() - chars);
  }

  private static void say(String what) {
    System.out.println("bench: recovery: " + Instant.now() + " " + what);
  }

  private static <T> T await(String what, Duration timeout, Supplier<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T got;
      try {
        got = probe.get();
      } catch (io.grpc.StatusRuntimeException slow) {
        got = null; // a busy server answers late: ask again
      }
      if (got != null) {
        return got;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(POLL.toMillis());
    }
  }
}
