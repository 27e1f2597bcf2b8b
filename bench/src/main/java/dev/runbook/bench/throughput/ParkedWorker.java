package dev.runbook.bench.throughput;

import dev.runbook.bench.engine.Rig;
import dev.runbook.worker.temporal.TemporalConnection;
import dev.runbook.worker.temporal.WorkerRuntime;
import dev.runbook.workflows.testing.FakeWorld;
import java.time.Duration;
import java.util.List;

/**
 * A worker in its own JVM, for its memory to be read from outside: every runbook workflow
 * registered by {@link WorkerRuntime} as {@code runbook worker} registers them, FakeWorld's no-op
 * adapters with the services {@code PREFIX}1..{@code COUNT}. Prints "ready" once it polls; runs
 * until killed.
 *
 * <p>{@code ParkedWorker ADDRESS QUEUE PREFIX COUNT}
 */
public final class ParkedWorker {
  private ParkedWorker() {}

  public static void main(String[] args) throws Exception {
    FakeWorld world = new FakeWorld();
    Rig.addServices(world, args[2], Integer.parseInt(args[3]));
    TemporalConnection connection = TemporalConnection.connect(args[0], "default", null);
    WorkerRuntime.start(connection.client(), args[1], Rig.ACTIVITY_SLOTS, Duration.ofSeconds(5), List.of(),
        world.activities());
    System.out.println("ready");
    System.out.flush();
    Thread.currentThread().join();
  }
}
