package dev.runbook.workflows.engine;

import dev.runbook.workflows.model.RefusalKind;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import java.util.Locale;

/** How the engine reads failures and answers refusals. */
public final class Failures {
  private Failures() {}

  /** True when the failure, or anything that caused it, is a cancellation. */
  public static boolean isCancellation(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CanceledFailure) {
        return true;
      }
    }
    return false;
  }

  /** The failure as a person should read it: the innermost message and its type. */
  public static String describe(TemporalFailure failure) {
    Throwable t = failure;
    String where = "";
    if (failure instanceof ActivityFailure af) {
      where = af.getActivityType() + ": ";
    } else if (failure instanceof ChildWorkflowFailure cf) {
      where = cf.getWorkflowType() + " " + cf.getExecution().getWorkflowId() + ": ";
    }
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof ApplicationFailure af) {
      return where + af.getOriginalMessage() + " [" + af.getType() + "]";
    }
    if (t instanceof TimeoutFailure tf) {
      return where + "timed out (" + tf.getTimeoutType().name().toLowerCase(Locale.ROOT) + ")";
    }
    if (t instanceof TemporalFailure tf) {
      return where + tf.getOriginalMessage();
    }
    return where + t.getMessage();
  }

  /** The type of the innermost application failure, or null when there is none. */
  static String applicationType(Throwable failure) {
    String type = null;
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ApplicationFailure af) {
        type = af.getType();
      }
    }
    return type;
  }

  /** The innermost message of a failure, without where it came from. */
  static String innermostMessage(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t instanceof TemporalFailure tf ? tf.getOriginalMessage() : t.getMessage();
  }

  /** Refuses an update from its validator: the caller gets the reason at once. */
  static void refuse(RefusalKind kind, String message) {
    throw ApplicationFailure.newNonRetryableFailure(kind.message(message), kind.name());
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
