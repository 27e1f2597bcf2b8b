package dev.runbook.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunningActivitiesTest {
  @Test
  void aTaskThatArrivesJustAfterTheLastOneEndedIsWaitedForToo() throws Exception {
    RunningActivities running = new RunningActivities();
    running.change(1); // the deploy the stopping worker was running
    CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> {
      try {
        return running.awaitNone(Duration.ofSeconds(30), Duration.ofMillis(500));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(800); // the deploy runs longer than the settling time (seen in CI: 7 s)
    running.change(-1); // the deploy ends...
    Thread.sleep(100);
    running.change(1); // ...and a poll sent before the stop hands the worker the next step
    Thread.sleep(700);
    assertThat(stopped).as("the stop waits for the late task").isNotDone();
    running.change(-1);
    assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anIdleWorkerStopsAtOnceAndABusyOneGivesUpAtTheLimit() throws Exception {
    RunningActivities running = new RunningActivities();
    Thread.sleep(60);
    long t0 = System.nanoTime();
    assertThat(running.awaitNone(Duration.ofSeconds(30), Duration.ofMillis(50))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));

    running.change(1);
    assertThat(running.awaitNone(Duration.ofMillis(200), Duration.ofMillis(50))).isFalse();
    assertThat(running.running()).isEqualTo(1);
  }
}
