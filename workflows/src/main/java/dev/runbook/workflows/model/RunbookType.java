package dev.runbook.workflows.model;

import java.util.Locale;

/** The three runbooks, one Temporal workflow type each. */
public enum RunbookType {
  EMERGENCY("EmergencyRollback"),
  DATABASE("DatabaseRollback"),
  FULL("FullRollback");

  private final String workflowType;

  RunbookType(String workflowType) {
    this.workflowType = workflowType;
  }

  /** The Temporal workflow type name. */
  public String workflowType() {
    return workflowType;
  }

  /** The name people type: emergency, database, full. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunbookType parse(String text) {
    for (RunbookType t : values()) {
      if (t.id().equalsIgnoreCase(text == null ? "" : text.trim())
          || t.workflowType.equalsIgnoreCase(text == null ? "" : text.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "runbook '" + text + "' is not known: use emergency, database or full");
  }
}
