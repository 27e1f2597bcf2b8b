package dev.runbook.workflows.activities;

/** Who a message is for; configuration maps each to channels. */
public enum Audience {
  /** The team following the incident (the default channel). */
  TEAM,
  /** People who may approve: {@code Notification.target} names the role. */
  APPROVERS,
  /** The escalation path: {@code Notification.target} names the level. */
  ESCALATION
}
