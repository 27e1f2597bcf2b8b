package dev.runbook.workflows.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a restore reaches the live database name. */
public enum RestoreStrategy {
  /**
   * Restore into a staging database while the approval is pending, then swap names: the
   * application is down for seconds and the old database stays as the safety copy.
   */
  STAGED_SWAP,
  /**
   * Into the live database after a fresh safety backup: its schemas dropped, then the backup
   * restored (a plain dump in one transaction with the drops).
   */
  IN_PLACE;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @JsonCreator
  public static RestoreStrategy parse(String text) {
    if (text != null) {
      for (RestoreStrategy s : values()) {
        if (s.label().equalsIgnoreCase(text.trim())) {
          return s;
        }
      }
    }
    throw new IllegalArgumentException(
        "restore strategy '" + text + "' is not valid: use staged-swap or in-place");
  }
}
