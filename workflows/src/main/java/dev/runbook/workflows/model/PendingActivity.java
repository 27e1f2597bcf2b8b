package dev.runbook.workflows.model;

import java.time.Instant;

/**
 * An activity a running step has in flight, as Temporal reports it: which attempt it is on, when
 * the next try comes and what the last one failed with. A workflow cannot know this (its code
 * sees an activity only once it has succeeded or failed for good); the client reads it from the
 * server and adds it to the status.
 *
 * @param activity the activity type, e.g. ServiceDeploy
 * @param workflowId the run that runs it: this run, or the child run a full rollback's step waits for
 * @param attempt the attempt running now, or the one to come while the activity waits to be retried
 * @param maximumAttempts 0 when unlimited
 * @param waitingToRetry the last attempt failed and the next one has not started yet
 * @param nextAttemptAt when the next try starts, while waiting to retry (null when not known)
 * @param lastError the last failed attempt's error: its innermost message and type
 * @param lastFailedAt when the last failed attempt ended
 * @param lastStartedAt when the running attempt started (the real server leaves it out between attempts)
 */
public record PendingActivity(
    String activity,
    String workflowId,
    int attempt,
    int maximumAttempts,
    boolean waitingToRetry,
    Instant nextAttemptAt,
    String lastError,
    Instant lastFailedAt,
    Instant lastStartedAt,
    Instant lastHeartbeatAt) {

  /** Whether there is anything beyond "the first attempt is running" to tell. */
  public boolean retrying() {
    return attempt > 1 || lastError != null || waitingToRetry;
  }
}
