package dev.runbook.workflows.engine;

import dev.runbook.workflows.model.Phase;

/**
 * Ends a run early with a terminal phase (rejected, timed out, aborted, compensated, failed).
 * Thrown inside workflow code and caught by {@link Lifecycle#run}; it never leaves the
 * workflow method.
 */
final class RunEnded extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final Phase outcome;

  RunEnded(Phase outcome, String message) {
    super(message, null, false, false);
    this.outcome = outcome;
  }
}
