package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.FailureType;

/**
 * One channel could not take a message. The message names the channel by its configured name and
 * says what to fix; it never holds a URL, token or password, and no cause is attached because a
 * library's exception text may carry them.
 */
final class DeliveryFailure extends RuntimeException {
  private final FailureType type;

  DeliveryFailure(FailureType type, String message) {
    super(message);
    this.type = type;
  }

  FailureType type() {
    return type;
  }
}
