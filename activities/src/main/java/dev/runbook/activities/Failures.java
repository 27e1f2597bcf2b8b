package dev.runbook.activities;

import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;

/** Builds the typed failures activities throw; permanent types are marked non-retryable. */
public final class Failures {
  private Failures() {}

  public static ApplicationFailure of(FailureType type, String message) {
    return type.retryable()
        ? ApplicationFailure.newFailure(message, type.name())
        : ApplicationFailure.newNonRetryableFailure(message, type.name());
  }

  public static ApplicationFailure of(FailureType type, String message, Throwable cause) {
    return type.retryable()
        ? ApplicationFailure.newFailureWithCause(message, type.name(), cause)
        : ApplicationFailure.newNonRetryableFailureWithCause(message, type.name(), cause);
  }
}
