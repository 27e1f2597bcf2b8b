package dev.runbook.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits for SIGTERM or Ctrl-C, then lets the main thread close things in order before the JVM
 * exits: the hook holds the exit until the main thread says it is done (or the grace runs out).
 */
final class Shutdown {
  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  Shutdown(Duration grace) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      requested.countDown();
      try {
        finished.await(grace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "runbook-shutdown"));
  }

  void await() throws InterruptedException {
    requested.await();
  }

  void done() {
    finished.countDown();
  }
}
