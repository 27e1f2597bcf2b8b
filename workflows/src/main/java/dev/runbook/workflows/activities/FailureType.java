package dev.runbook.workflows.activities;

import java.util.Arrays;

/**
 * Failure types shared by activities and workflows, used as {@code ApplicationFailure} types so
 * callers can match on them. Permanent ones are never retried.
 */
public enum FailureType {
  /** A request field or configuration value is wrong; retrying cannot help. */
  INVALID_INPUT(false),
  /** A password, token or key was refused. */
  BAD_CREDENTIALS(false),
  UNKNOWN_SERVICE(false),
  UNKNOWN_DATABASE(false),
  UNKNOWN_BACKUP(false),
  /** The backup fails its checksum or {@code pg_restore --list}. */
  BACKUP_CORRUPT(false),
  /** The backup was taken from another database (or does not say which) than the restore target. */
  BACKUP_OF_ANOTHER_DATABASE(false),
  /** A migration between the current and target version has no undo script. */
  MISSING_UNDO_SCRIPT(false),
  /** An undo script failed; the transaction was rolled back, the schema is as it was. */
  MIGRATION_FAILED(false),
  /** An integrity check on the database did not hold. */
  INTEGRITY_CHECK_FAILED(false),
  /** The adapter cannot do this (for example list versions without a history). */
  NOT_SUPPORTED(false),
  /** The target version does not exist for this service. */
  UNKNOWN_VERSION(false),
  /** The release ledger knows no good version to go back to. */
  NO_GOOD_VERSION(false),
  /** The requested version was rolled back from; deploying it needs an explicit force. */
  ROLLED_BACK_VERSION(false),
  /** The release ledger knows no good configuration to go back to. */
  NO_GOOD_CONFIG(false),
  /** Health, version or a smoke check did not pass (yet). */
  VERIFICATION_FAILED(true),
  /** The error rate is above its threshold (yet). */
  ERROR_RATE_ABOVE_THRESHOLD(true),
  /** A command exited non-zero. */
  COMMAND_FAILED(true),
  /** A command did not finish in time and was killed. */
  COMMAND_TIMEOUT(true),
  /** A network peer (database, webhook, API) could not be reached. */
  UNAVAILABLE(true);

  private final boolean retryable;

  FailureType(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The type names to pass to {@code RetryOptions.setDoNotRetry}. */
  public static String[] nonRetryableNames() {
    return Arrays.stream(values())
        .filter(t -> !t.retryable)
        .map(Enum::name)
        .toArray(String[]::new);
  }
}
