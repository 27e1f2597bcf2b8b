package dev.runbook.workflows.activities;

public enum AuditEventType {
  RUN_STARTED,
  STEP_STARTED,
  STEP_SUCCEEDED,
  STEP_FAILED,
  STEP_SKIPPED,
  APPROVAL_REQUESTED,
  APPROVED,
  REJECTED,
  REFUSED,
  ESCALATED,
  DECISION_REQUESTED,
  DECIDED,
  CANCEL_REQUESTED,
  /** An armed run's window opened (data: window, endsAt, armedBy or route, alert, fingerprint). */
  ARMED,
  /** An armed run was disarmed (data: by = person or alert; route, alert, fingerprint). */
  DISARMED,
  /** The run knows the versions it moves between (data: from, to). */
  TARGET_RESOLVED,
  /** The rollback is applied and verified (data: from, to; monitorFor while health is watched). */
  ROLLBACK_APPLIED,
  /**
   * The run is rolled back and verified, and its time so far is compared with its SLA (data: sla,
   * the verdict; slaMs; tookMs; withinSla).
   */
  SLA_MEASURED,
  NOTIFICATION_FAILED,
  /**
   * A rollback deployed a version, or restored a configuration (data: service, version, from,
   * schema, source, by, forced; config, the snapshot the service runs with now, and configFrom,
   * the one the rollback left).
   */
  RELEASE_DEPLOYED,
  /** A version passed the run's checks (data: service, version). */
  RELEASE_VERIFIED,
  /**
   * A staged restore measured what it discards (data: measuredAt, final = true for the salvage
   * kept with the writers stopped, salvage and script where the rows are kept, and per table
   * "table:NAME" = "inserted,updated,deleted").
   */
  DISCARD_MEASURED,
  RUN_FINISHED
}
