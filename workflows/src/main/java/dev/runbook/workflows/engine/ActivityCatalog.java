package dev.runbook.workflows.engine;

import dev.runbook.workflows.activities.FailureType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Timeouts and retries for every kind of activity, in one place. Every activity has a 6 s
 * heartbeat timeout: the worker heartbeats each running activity every second (its KeepAlive),
 * so a step whose worker dies is retried on a live worker about 7 s later (the timeout, then
 * the first retry 1 s after). A hung step is ended by its start-to-close timeout. Permanent
 * failure types are never retried.
 *
 * <p>These are options of commands the workflow sends, not of its decisions: changing them does
 * not change what a recorded history replays.
 */
public final class ActivityCatalog {
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(6);

  /** Messages: a small attempt cap; a lost message must not hold up a rollback. */
  public static final ActivityOptions NOTIFY =
      options(Duration.ofSeconds(30), retry(Duration.ofSeconds(2), Duration.ofSeconds(10), 3));

  /** The rollback log; a failed batch is kept and sent again with the next one. */
  public static final ActivityOptions AUDIT =
      options(Duration.ofSeconds(30), retry(Duration.ofSeconds(1), Duration.ofSeconds(10), 5));

  public static final ActivityOptions POLICY =
      options(Duration.ofSeconds(30), retry(Duration.ofSeconds(1), Duration.ofSeconds(30), 10));

  /** Reads: evidence, versions, checks, resolving targets. */
  public static final ActivityOptions QUICK =
      options(Duration.ofMinutes(2), retry(Duration.ofSeconds(1), Duration.ofSeconds(30), 5));

  /**
   * A read the run waits for between a person's answer and its next step (the plan read again
   * once approved): a local activity, run in the workflow task that goes on, retried like {@link
   * #QUICK}. No heartbeat: local activities have none.
   */
  public static final LocalActivityOptions QUICK_LOCAL =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(QUICK.getStartToCloseTimeout())
          .setRetryOptions(QUICK.getRetryOptions())
          .build();

  /** Stop, start, deploy. Retries over about 30 s. */
  public static final ActivityOptions SERVICE =
      options(Duration.ofMinutes(15), retry(Duration.ofSeconds(1), Duration.ofSeconds(30), 6));

  /**
   * Verification polls until health and version hold; retried because services come up late
   * (over about 90 s).
   */
  public static final ActivityOptions VERIFY =
      options(Duration.ofMinutes(10), retry(Duration.ofSeconds(1), Duration.ofSeconds(30), 8));

  /** Backups and restores of large databases. Retries over about 15 s (a database restarting). */
  public static final ActivityOptions LONG =
      options(Duration.ofHours(6), retry(Duration.ofSeconds(1), Duration.ofMinutes(1), 5));

  /** Migration reverts: one transaction, usually quick, sometimes a long table rewrite. */
  public static final ActivityOptions MIGRATION =
      options(Duration.ofMinutes(30), retry(Duration.ofSeconds(1), Duration.ofMinutes(1), 5));

  /**
   * Retention: listing and dropping leftovers, removing old backups' files. Usually seconds; a
   * heartbeat per removal keeps a long one alive.
   */
  public static final ActivityOptions CLEANUP =
      options(Duration.ofMinutes(30), retry(Duration.ofSeconds(1), Duration.ofMinutes(1), 5));

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

  private static ActivityOptions options(Duration startToClose, RetryOptions retry) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToClose)
        .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
        .setRetryOptions(retry)
        .build();
  }
}
