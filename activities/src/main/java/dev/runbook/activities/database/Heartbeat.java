package dev.runbook.activities.database;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;

/**
 * Progress reporting that works inside and outside an activity: inside, each beat is a Temporal
 * heartbeat, which throws {@code ActivityCompletionException} once the activity is cancelled (the
 * caller then kills its child process and removes partial output); outside (plain tests, the CLI)
 * beats go nowhere.
 */
final class Heartbeat {
  private final ActivityExecutionContext context;
  private String phase = "";
  private long started = System.nanoTime();
  private long bytes;

  private Heartbeat(ActivityExecutionContext context) {
    this.context = context;
  }

  /** The heartbeat of the activity running on this thread, if any. */
  static Heartbeat current() {
    try {
      return new Heartbeat(Activity.getExecutionContext());
    } catch (IllegalStateException notInAnActivity) {
      return new Heartbeat(null);
    }
  }

  /** Starts timing a new phase. */
  void phase(String name) {
    phase = name;
    started = System.nanoTime();
    beat(0);
  }

  void beat(long bytesSoFar) {
    bytes = bytesSoFar;
    tick();
  }

  /** Beats again with the last progress: proof of life while a child process works. */
  void tick() {
    if (context != null) {
      context.heartbeat(new Progress(phase, bytes, (System.nanoTime() - started) / 1_000_000));
    }
  }
}
