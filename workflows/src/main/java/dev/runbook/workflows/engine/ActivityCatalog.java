package dev.runbook.workflows.engine;

import dev.runbook.workflows.activities.FailureType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Timeouts and retries for every kind of activity, in one place. Long work heartbeats every few
 * seconds with a 20 s heartbeat timeout, so a dead worker's activity moves to a live worker
 * within about 20 s. Permanent failure types are never retried.
 */
public final class ActivityCatalog {
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);

  /** Messages: a small attempt cap; a lost message must not hold up a rollback. */
  public static final ActivityOptions NOTIFY =
      options(Duration.ofSeconds(30), null, retry(Duration.ofSeconds(2), Duration.ofSeconds(10), 3));

  /** The rollback log; a failed batch is kept and sent again with the next one. */
  public static final ActivityOptions AUDIT =
      options(Duration.ofSeconds(30), null, retry(Duration.ofSeconds(1), Duration.ofSeconds(10), 5));

  public static final ActivityOptions POLICY =
      options(Duration.ofSeconds(30), null, retry(Duration.ofSeconds(1), Duration.ofSeconds(30), 10));

  /** Reads: evidence, versions, checks, resolving targets. */
  public static final ActivityOptions QUICK =
      options(Duration.ofMinutes(2), null, retry(Duration.ofSeconds(1), Duration.ofSeconds(30), 5));

  /** Stop, start, deploy. */
  public static final ActivityOptions SERVICE =
      options(
          Duration.ofMinutes(15),
          HEARTBEAT_TIMEOUT,
          retry(Duration.ofSeconds(2), Duration.ofSeconds(30), 5));

  /** Verification polls until health and version hold; retried because services come up late. */
  public static final ActivityOptions VERIFY =
      options(
          Duration.ofMinutes(10),
          HEARTBEAT_TIMEOUT,
          retry(Duration.ofSeconds(5), Duration.ofSeconds(30), 6));

  /** Backups and restores of large databases. */
  public static final ActivityOptions LONG =
      options(Duration.ofHours(6), HEARTBEAT_TIMEOUT, retry(Duration.ofSeconds(5), Duration.ofMinutes(1), 3));

  /** Migration reverts: one transaction, usually quick, sometimes a long table rewrite. */
  public static final ActivityOptions MIGRATION =
      options(
          Duration.ofMinutes(30),
          HEARTBEAT_TIMEOUT,
          retry(Duration.ofSeconds(5), Duration.ofMinutes(1), 3));

  /**
   * Retention: listing and dropping leftovers, removing old backups' files. Usually seconds; a
   * heartbeat per removal keeps a long one alive.
   */
  public static final ActivityOptions CLEANUP =
      options(
          Duration.ofMinutes(30),
          HEARTBEAT_TIMEOUT,
          retry(Duration.ofSeconds(5), Duration.ofMinutes(1), 3));

  private ActivityCatalog() {}

  private static RetryOptions retry(Duration initial, Duration max, int attempts) {
    return RetryOptions.newBuilder()
        .setInitialInterval(initial)
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(max)
        .setMaximumAttempts(attempts)
        .setDoNotRetry(FailureType.nonRetryableNames())
        .build();
  }

  private static ActivityOptions options(Duration startToClose, Duration heartbeat, RetryOptions retry) {
    ActivityOptions.Builder b =
        ActivityOptions.newBuilder().setStartToCloseTimeout(startToClose).setRetryOptions(retry);
    if (heartbeat != null) {
      b.setHeartbeatTimeout(heartbeat);
    }
    return b.build();
  }
}
