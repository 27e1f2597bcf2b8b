package dev.runbook.workflows.activities;

/** The messages a run sends; each has a template (DESIGN §5). */
public enum NotificationKind {
  STARTED,
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
  FAILED
}
