package dev.runbook.workflows.activities;

/** The messages a run sends; each has a template (DESIGN §5). */
public enum NotificationKind {
  STARTED,
  /** An armed run tells the team the rollback goes ahead when its window ends unless fixed. */
  ARMED,
  /** An armed run was stopped before its window ended; nothing was changed. */
  DISARMED,
  APPROVAL_REQUESTED,
  ESCALATED,
  APPROVED,
  REJECTED,
  NEEDS_DECISION,
  RESOLVED,
  REPORT,
  REGRESSION,
  RECOVERED,
  COMPENSATED,
  TIMED_OUT,
  ABORTED,
  CANCELLED,
  REFUSED,
  FAILED,
  /** A drill's report: how long detection and the rollback took against the SLA (DrillWorkflow). */
  DRILL_REPORT,
  /** A checklist item's deadline is near and it is still open: to its owner role. */
  CHECKLIST_REMINDER,
  /** A checklist item's deadline passed with it open: to the role it escalates to, once. */
  CHECKLIST_OVERDUE,
  /** Every item of a checklist is done: the summary, to the team. */
  CHECKLIST_DONE,
  /** A checklist stopped chasing its open items after the last deadline and the grace. */
  CHECKLIST_CLOSED
}
