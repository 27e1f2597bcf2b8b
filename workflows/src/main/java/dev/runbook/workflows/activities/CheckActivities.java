package dev.runbook.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Smoke checks and the error rate of a service (HTTP, SQL, command, Prometheus). */
@ActivityInterface(namePrefix = "Check")
public interface CheckActivities {
  /**
   * Runs the service's configured smoke checks; throws {@link FailureType#VERIFICATION_FAILED}
   * listing the failed ones.
   */
  CheckReport smokeChecks(CheckRequest request);

  /**
   * Reads the error rate. With {@code enforce}, throws {@link
   * FailureType#ERROR_RATE_ABOVE_THRESHOLD} when it is above the threshold (retried: rates lag).
   */
  ErrorRateReading errorRate(ErrorRateRequest request);

  record CheckRequest(String service, boolean dryRun) {}

  record CheckReport(String service, boolean passed, List<CheckResult> checks, List<String> planned)
      implements Planned {}

  record ErrorRateRequest(String service, boolean enforce, boolean dryRun) {}

  /**
   * @param rate the measured rate (0..1), or null when no error-rate check is configured
   * @param threshold the configured threshold (0..1)
   */
  record ErrorRateReading(
      String service, Double rate, double threshold, boolean withinThreshold, String detail,
      List<String> planned)
      implements Planned {}
}
