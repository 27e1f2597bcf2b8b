package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.NotifyActivities.Notification;
import java.time.Instant;
import java.util.Optional;

/**
 * The status page incident of each run, per channel, kept where it outlives the worker: the
 * create is recorded before it is sent, so a retry whose first answer was lost knows to look for
 * the incident on the page instead of opening a second one.
 */
public interface StatuspageIncidents {
  /**
   * The run an incident belongs to, as {@code workflowId/runId}: a workflow ID names every run of
   * a service's runbook one after another, so it alone would give a second rollback the first
   * one's (resolved) incident.
   */
  static String run(String workflowId, String runId) {
    return workflowId + "/" + runId;
  }

  /** The run a notification is about, from its key ({@code workflowId/runId/seq-kind}). */
  static String run(Notification n) {
    String wf = n.workflowId();
    String key = n.key();
    if (wf == null || wf.isBlank()) {
      return key;
    }
    if (key != null && key.startsWith(wf + "/")) {
      int end = key.indexOf('/', wf.length() + 1);
      if (end > 0) {
        return key.substring(0, end);
      }
    }
    return wf;
  }

  /**
   * @param name the incident's name as sent, to find it again on the page
   * @param createdByKey the notification that opened it: its retry changes nothing
   * @param createSentAt when the first create was sent
   * @param incidentId Statuspage's ID, null while the create's answer is unknown
   */
  record Opened(String name, String createdByKey, Instant createSentAt, String incidentId,
      boolean resolved) {}

  Optional<Opened> find(String channel, String run);

  /** Records that a create is about to be sent; a second call keeps the first. */
  void creating(String channel, String run, String name, String key);

  /** Records the incident's ID once Statuspage gave it (or it was found on the page). */
  void created(String channel, String run, String incidentId);

  void resolved(String channel, String run);
}
