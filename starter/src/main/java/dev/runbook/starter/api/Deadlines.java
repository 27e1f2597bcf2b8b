package dev.runbook.starter.api;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Time limits on a request thread's socket reads and writes. A deadline that passes interrupts its
 * thread; the JDK server reads and writes through a blocking {@link
 * java.nio.channels.SocketChannel}, an interruptible channel, so the interrupt closes the
 * connection and ends the blocked read or write at once. A deadline disarmed in time never
 * interrupts: disarming and firing exclude each other.
 */
final class Deadlines implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timer;

  Deadlines(String name) {
    timer = new ScheduledThreadPoolExecutor(1, task -> {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
  }

  /** A deadline {@code after} from now on the calling thread. */
  Deadline arm(Duration after) {
    Deadline d = new Deadline(Thread.currentThread());
    d.future = timer.schedule(d::fire, after.toNanos(), TimeUnit.NANOSECONDS);
    return d;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** One armed deadline. */
  static final class Deadline {
    private final Thread thread;
    private boolean armed = true;
    private boolean fired;
    private ScheduledFuture<?> future;

    private Deadline(Thread thread) {
      this.thread = thread;
    }

    private synchronized void fire() {
      if (armed) {
        armed = false;
        fired = true;
        thread.interrupt();
      }
    }

    /**
     * Stops the deadline. False when it had already passed: then the connection is closed and the
     * caller's interrupt flag is cleared, so what the thread does next is not interrupted too.
     */
    synchronized boolean disarm() {
      armed = false;
      if (future != null) {
        future.cancel(false);
      }
      if (fired) {
        Thread.interrupted();
      }
      return !fired;
    }
  }
}
