package dev.runbook.activities.notify;

import java.time.Instant;
import java.util.Optional;

/**
 * The status page incident of each run, per channel, kept where it outlives the worker: the
 * create is recorded before it is sent, so a retry whose first answer was lost knows to look for
 * the incident on the page instead of opening a second one.
 */
public interface StatuspageIncidents {
  /**
   * @param name the incident's name as sent, to find it again on the page
   * @param createdByKey the notification that opened it: its retry changes nothing
   * @param createSentAt when the first create was sent
   * @param incidentId Statuspage's ID, null while the create's answer is unknown
   */
  record Opened(String name, String createdByKey, Instant createSentAt, String incidentId,
      boolean resolved) {}

  Optional<Opened> find(String channel, String workflowId);

  /** Records that a create is about to be sent; a second call keeps the first. */
  void creating(String channel, String workflowId, String name, String key);

  /** Records the incident's ID once Statuspage gave it (or it was found on the page). */
  void created(String channel, String workflowId, String incidentId);

  void resolved(String channel, String workflowId);
}
