package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.AlertRef;
import dev.runbook.workflows.model.Armed;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Notifications as the emergency rollback of "api" sends them. */
final class Samples {
  static final String RUN = "rollback-api";

  private Samples() {}

  static Notification notification(NotificationKind kind, String key, String detail,
      Duration duration) {
    return new Notification(key, kind, Audience.TEAM, null, RUN, RunbookType.EMERGENCY,
        Severity.P1, List.of("api"), "error rate 12% after deploy 1.4.0", "alice", "INC-42",
        detail, duration, Duration.ofMinutes(10), false, null);
  }

  static Notification started(String key) {
    return notification(NotificationKind.STARTED, key, null, null);
  }

  static Notification to(Notification n, Audience audience, String target) {
    return new Notification(n.key(), n.kind(), audience, target, n.workflowId(), n.runbook(),
        n.severity(), n.services(), n.reason(), n.requestedBy(), n.incidentId(), n.detail(),
        n.duration(), n.eta(), n.dryRun(), n.options(), n.armed());
  }

  /** An ARMED message: api v2 -> v1 at 02:15 unless disarmed, armed by {@code alert} or by alice. */
  static Notification armed(AlertRef alert) {
    Notification n = notification(NotificationKind.ARMED, "k-armed", "api v2 -> v1", null);
    Armed a = new Armed(Instant.parse("2026-03-01T02:00:00Z"), Instant.parse("2026-03-01T02:15:00Z"),
        Duration.ofMinutes(15), alert == null ? "alice" : null, alert, "api v2 -> v1");
    return new Notification(n.key(), n.kind(), n.audience(), n.target(), n.workflowId(), n.runbook(),
        n.severity(), n.services(), n.reason(), n.requestedBy(), n.incidentId(), n.detail(),
        n.duration(), n.eta(), n.dryRun(), n.options(), a);
  }

  /** A NEEDS_DECISION message offering {@code options} (null: sent by a run that did not say). */
  static Notification decision(String detail, List<DecisionAction> options) {
    Notification n = notification(NotificationKind.NEEDS_DECISION, "k", detail, null);
    return new Notification(n.key(), n.kind(), Audience.ESCALATION, n.target(), n.workflowId(),
        n.runbook(), n.severity(), n.services(), n.reason(), n.requestedBy(), n.incidentId(),
        n.detail(), n.duration(), n.eta(), n.dryRun(), options);
  }

  static Notification dryRun(Notification n) {
    return new Notification(n.key(), n.kind(), n.audience(), n.target(), n.workflowId(),
        n.runbook(), n.severity(), n.services(), n.reason(), n.requestedBy(), n.incidentId(),
        n.detail(), n.duration(), n.eta(), true, n.options(), n.armed());
  }
}
