package dev.runbook.workflows.model;

import java.util.Locale;

/**
 * What a run is, one Temporal workflow type each: the three rollback runbooks, and the jobs that
 * keep what they rely on and leave behind (a backup, a cleanup). The rollback log and {@code
 * runbook list} name every run by it.
 */
public enum RunbookType {
  EMERGENCY("EmergencyRollback", true),
  DATABASE("DatabaseRollback", true),
  FULL("FullRollback", true),
  /** A backup of one database, taken on demand or on the database's schedule. */
  BACKUP("Backup", false),
  /** Retention: expired backups and safety copies, staging databases of dead runs, stale locks. */
  CLEANUP("Cleanup", false);

  private final String workflowType;
  private final boolean rollback;

  RunbookType(String workflowType, boolean rollback) {
    this.workflowType = workflowType;
    this.rollback = rollback;
  }

  /** The Temporal workflow type name. */
  public String workflowType() {
    return workflowType;
  }

  /** True for the rollback runbooks; false for the backup and cleanup jobs. */
  public boolean rollback() {
    return rollback;
  }

  /** The name people type: emergency, database, full (and backup, cleanup). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Any kind of run, by its name or workflow type (as the rollback log and the API write it). */
  public static RunbookType parse(String text) {
    for (RunbookType t : values()) {
      if (t.id().equalsIgnoreCase(text == null ? "" : text.trim())
          || t.workflowType.equalsIgnoreCase(text == null ? "" : text.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a kind of run: use emergency, database, full, backup or cleanup");
  }

  /** A rollback runbook, for what starts one (an alert route): emergency, database or full. */
  public static RunbookType parseRunbook(String text) {
    for (RunbookType t : values()) {
      if (t.rollback && (t.id().equalsIgnoreCase(text == null ? "" : text.trim())
          || t.workflowType.equalsIgnoreCase(text == null ? "" : text.trim()))) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "runbook '" + text + "' is not known: use emergency, database or full");
  }
}
