package dev.runbook.activities;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;

/**
 * Progress reports to Temporal from the thread running an activity. Outside an activity (a plain
 * unit test, a CLI dry run) it does nothing, so adapters and checks run the same code either way.
 * When the activity was cancelled, {@link #beat} throws {@code ActivityCompletionException}; the
 * command runner then kills the child process it was waiting for.
 */
public final class Heartbeat {
  private final ActivityExecutionContext context;
  private volatile Object progress = "";

  private Heartbeat(ActivityExecutionContext context) {
    this.context = context;
  }

  /** The heartbeat of the activity running on this thread, or one that does nothing. */
  public static Heartbeat current() {
    try {
      return new Heartbeat(Activity.getExecutionContext());
    } catch (IllegalStateException notInAnActivity) {
      return new Heartbeat(null);
    }
  }

  /** Reports new progress now: a line of text, or a record such as bytes done. */
  public void beat(Object progress) {
    this.progress = progress;
    beat();
  }

  /** Reports the last progress again (a long command is still running). */
  public void beat() {
    if (context != null) {
      context.heartbeat(progress);
    }
  }

  /** The callback {@code CommandRunner} calls about once a second. */
  public Runnable ticker() {
    return this::beat;
  }
}
