package dev.runbook.workflows.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a database is rolled back. */
public enum DatabaseMode {
  /** Run undo scripts down to a target migration: no data lost. */
  REVERT,
  /** Bring back a backup: everything written since the backup is lost. */
  RESTORE;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static DatabaseMode parse(String text) {
    if (text != null) {
      for (DatabaseMode m : values()) {
        if (m.label().equalsIgnoreCase(text.trim())) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException(
        "database mode '" + text + "' is not valid: use revert or restore (or leave it out)");
  }
}
