package dev.runbook.workflows.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an operator may do with a step that failed for good. */
public enum DecisionAction {
  /** Run the failed step again. */
  RETRY,
  /** Mark the step skipped and go on. Refused for steps that later steps depend on. */
  SKIP,
  /** Undo what was done (restore the safety backup, redeploy the version that ran before). */
  COMPENSATE,
  /** Stop here, leaving things as they are. */
  ABORT;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static DecisionAction parse(String text) {
    if (text != null) {
      for (DecisionAction a : values()) {
        if (a.label().equalsIgnoreCase(text.trim())) {
          return a;
        }
      }
    }
    throw new IllegalArgumentException(
        "decision '" + text + "' is not valid: use retry, skip, compensate or abort");
  }
}
