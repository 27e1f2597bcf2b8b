package dev.runbook.workflows.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a run is. The terminal phases are also the run's outcome. The label is what the CLI,
 * the API and the {@code Phase} search attribute show.
 */
public enum Phase {
  STARTING(false),
  /**
   * An armed run in its fix-forward window: nothing has changed yet; it goes ahead when the window
   * ends unless a person disarms it or the alert that armed it resolves.
   */
  ARMED(false),
  AWAITING_APPROVAL(false),
  SCHEDULED(false),
  EXECUTING(false),
  NEEDS_DECISION(false),
  COMPENSATING(false),
  MONITORING(false),
  SUCCEEDED(true),
  REJECTED(true),
  TIMED_OUT(true),
  ABORTED(true),
  COMPENSATED(true),
  CANCELLED(true),
  /** An armed run stopped before its window ended, by a person or its alert resolving; nothing changed. */
  DISARMED(true),
  /** The run would not act: what it needed to know was not known (no good version); nothing changed. */
  REFUSED(true),
  FAILED(true),
  /**
   * A dry run that ended at a step it could not plan: the outcome message names the step, the
   * reason and what was planned before it. Only dry runs end this way (a real run asks for a
   * decision instead).
   */
  PLAN_INCOMPLETE(true);

  private final boolean terminal;

  Phase(boolean terminal) {
    this.terminal = terminal;
  }

  public boolean terminal() {
    return terminal;
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @JsonCreator
  public static Phase fromLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
