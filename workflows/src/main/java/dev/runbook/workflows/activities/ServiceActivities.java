package dev.runbook.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * Acting on a service through its adapter (process, command, docker-compose, kubernetes). Every
 * method is idempotent: it first looks whether the work is already done (a stopped service is not
 * stopped again, a deployed version not deployed again).
 */
@ActivityInterface(namePrefix = "Service")
public interface ServiceActivities {
  /** Current version and health, for the evidence of a run. */
  ServiceEvidence captureEvidence(ServiceQuery query);

  /** The version to roll back to: the requested one (checked to exist) or the last known good. */
  TargetVersion resolveTarget(TargetVersionRequest request);

  ServiceActionResult stop(ServiceAction action);

  ServiceActionResult start(ServiceAction action);

  ServiceActionResult deploy(DeployRequest request);

  /**
   * Restarts the service so it reads its configuration again: the configured {@code
   * config.restart} command, else the adapter's restart (stop and start a process, recreate a
   * compose service, roll a deployment's pods).
   */
  ServiceActionResult restart(ServiceAction action);

  /**
   * Health up and version as expected, polling until a deadline while heartbeating; throws
   * {@link FailureType#VERIFICATION_FAILED} when they do not hold.
   */
  VerifyResult verify(VerifyRequest request);

  /** One health reading for the monitoring loop; never throws for an unhealthy service. */
  HealthReading health(ServiceQuery query);

  record ServiceQuery(String service, boolean dryRun) {}

  record ServiceEvidence(
      String service,
      String currentVersion,
      boolean healthy,
      String healthDetail,
      List<String> planned)
      implements Planned {}

  /**
   * @param currentVersion the version running now, skipped when choosing the last known good
   * @param requestedVersion the version asked for, or null
   * @param force deploy the requested version even though it was rolled back from
   */
  record TargetVersionRequest(
      String service, String currentVersion, String requestedVersion, boolean dryRun, boolean force) {
    public TargetVersionRequest(String service, String currentVersion, String requestedVersion, boolean dryRun) {
      this(service, currentVersion, requestedVersion, dryRun, false);
    }
  }

  /**
   * @param source what chose it: "requested", "forced" (requested, though rolled back from),
   *     "release-ledger" or "adapter-list" (the ledger had no history of the service)
   * @param why one sentence for people: what the source said of this version
   * @param schemaVersion the schema version the release ledger says this version ran with, or null
   */
  record TargetVersion(
      String service,
      String version,
      String source,
      List<String> knownVersions,
      List<String> planned,
      String why,
      String schemaVersion)
      implements Planned {
    public TargetVersion(String service, String version, String source, List<String> knownVersions, List<String> planned) {
      this(service, version, source, knownVersions, planned, null, null);
    }

    /** The step detail: the version and what chose it. */
    public String describe() {
      return version + " (" + (why == null ? source : why) + ")";
    }
  }

  /** @param key stable idempotency key: workflow ID, run and step */
  record ServiceAction(String service, String key, boolean dryRun) {}

  record DeployRequest(String service, String version, String key, boolean dryRun) {}

  /** @param changed false when the service was already in the wanted state */
  record ServiceActionResult(
      String service, boolean changed, String detail, List<String> planned)
      implements Planned {}

  /** @param expectedVersion the version that must be running, or null to check health only */
  record VerifyRequest(String service, String expectedVersion, boolean dryRun) {}

  record VerifyResult(
      String service,
      boolean healthy,
      String version,
      List<CheckResult> checks,
      List<String> planned)
      implements Planned {}

  record HealthReading(String service, boolean healthy, String version, String detail) {}
}
