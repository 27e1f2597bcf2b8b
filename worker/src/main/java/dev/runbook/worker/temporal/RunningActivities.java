package dev.runbook.worker.temporal;

import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Duration;

/**
 * Counts the activities this worker is running, so a graceful stop can wait for them to finish
 * while they still heartbeat (the SDK cuts a heartbeating activity short once the worker is shut
 * down, which would make another worker run the step again).
 */
final class RunningActivities extends WorkerInterceptorBase {
  private int running;

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

  private synchronized void change(int by) {
    running += by;
    notifyAll();
  }

  synchronized int running() {
    return running;
  }

  /**
   * Waits until no activity runs, at most {@code limit}.
   *
   * @return true when none runs
   */
  synchronized boolean awaitNone(Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (running > 0) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
