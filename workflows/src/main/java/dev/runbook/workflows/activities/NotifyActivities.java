package dev.runbook.workflows.activities;

import dev.runbook.workflows.model.Armed;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import io.temporal.activity.ActivityInterface;
import java.time.Duration;
import java.util.List;

/** Slack, JSON webhook, email, console, status page. */
@ActivityInterface(namePrefix = "Notify")
public interface NotifyActivities {
  /**
   * Sends the message to every channel configured for its audience. A channel that already took
   * this key is skipped, so a retried activity never posts twice.
   */
  NotifyResult send(Notification notification);

  /**
   * @param key idempotency key, unique per message of a run
   * @param target the role (APPROVERS) or escalation level (ESCALATION); null for TEAM
   * @param detail what happened: the step, the error, the versions
   * @param duration how long the run took so far (RESOLVED, REPORT and the end messages)
   * @param eta the expected duration, shown in STARTED
   * @param options what the operator may decide, in a NEEDS_DECISION message (the run offers only
   *     what fits the failed step); null in other messages and in those of runs that predate it
   * @param armed the fix-forward window, in an ARMED message (when the rollback goes ahead and who
   *     armed it); null in other messages
   * @param channels the channels to send it to instead of its audience's route (a drill's {@code
   *     notify}); null routes it by its audience
   */
  record Notification(
      String key,
      NotificationKind kind,
      Audience audience,
      String target,
      String workflowId,
      RunbookType runbook,
      Severity severity,
      List<String> services,
      String reason,
      String requestedBy,
      String incidentId,
      String detail,
      Duration duration,
      Duration eta,
      boolean dryRun,
      List<DecisionAction> options,
      Armed armed,
      List<String> channels) {
    /** A notification routed by its audience. */
    public Notification(String key, NotificationKind kind, Audience audience, String target, String workflowId,
        RunbookType runbook, Severity severity, List<String> services, String reason, String requestedBy,
        String incidentId, String detail, Duration duration, Duration eta, boolean dryRun,
        List<DecisionAction> options, Armed armed) {
      this(key, kind, audience, target, workflowId, runbook, severity, services, reason, requestedBy, incidentId,
          detail, duration, eta, dryRun, options, armed, null);
    }

    public Notification(String key, NotificationKind kind, Audience audience, String target, String workflowId,
        RunbookType runbook, Severity severity, List<String> services, String reason, String requestedBy,
        String incidentId, String detail, Duration duration, Duration eta, boolean dryRun,
        List<DecisionAction> options) {
      this(key, kind, audience, target, workflowId, runbook, severity, services, reason, requestedBy, incidentId,
          detail, duration, eta, dryRun, options, null);
    }
  }

  /** @param skipped channels that had this key already */
  record NotifyResult(List<String> deliveredTo, List<String> skipped, List<String> planned)
      implements Planned {}
}
