package dev.runbook.worker.temporal;

import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Duration;

/**
 * Counts the activities this worker is running, so a graceful stop can wait for them to finish
 * while they still heartbeat (the SDK cuts a heartbeating activity short once the worker is shut
 * down, which would make another worker run the step again). A poll sent before polling was
 * suspended may still hand the worker a task afterwards, right after the step it was running
 * ended (the workflow schedules the next one), so the stop also waits until no activity has
 * started or ended for a settling time.
 */
final class RunningActivities extends WorkerInterceptorBase {
  private int running;
  private long lastChange = System.nanoTime();

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      @Override
      public ActivityOutput execute(ActivityInput input) {
        change(1);
        try {
          return super.execute(input);
        } finally {
          change(-1);
        }
      }
    };
  }

  synchronized void change(int by) {
    running += by;
    lastChange = System.nanoTime();
    notifyAll();
  }

  synchronized int running() {
    return running;
  }

  /**
   * Waits until no activity runs and none has started or ended for {@code settle}, at most
   * {@code limit}.
   *
   * @return true when none runs
   */
  synchronized boolean awaitNone(Duration limit, Duration settle) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      long now = System.nanoTime();
      long quietFor = now - lastChange;
      if (running == 0 && quietFor >= settle.toNanos()) {
        return true;
      }
      long left = end - now;
      if (left <= 0) {
        return running == 0;
      }
      long until = running > 0 ? left : Math.min(left, settle.toNanos() - quietFor);
      wait(Math.max(1, until / 1_000_000));
    }
  }
}
