package dev.runbook.starter;

import java.time.Instant;
import java.util.List;

/**
 * The release ledger as the CLI and the API use it: what each service ran and what became of it
 * (DESIGN §10), and deploys CI/CD records. The worker's composition root backs it with the
 * ledger in the rollback log's PostgreSQL.
 */
public interface Releases {
  /**
   * One release as people read it.
   *
   * @param state what the ledger says of the version now: running, verified healthy, rolled back
   *     from, superseded, or never verified
   * @param config the configuration snapshot it ran with, or null (a service without one)
   * @param configState what the ledger says of that configuration: running now, verified healthy,
   *     rolled back from, or never verified
   */
  record Release(
      String service,
      String version,
      String schemaVersion,
      Instant deployedAt,
      String deployedBy,
      String source,
      String workflowId,
      boolean forced,
      Instant verifiedAt,
      String verifiedBy,
      Instant rolledBackAt,
      String rolledBackBy,
      String rollbackReason,
      String state,
      String config,
      String configState) {

    /** A release of a service without configuration. */
    public Release(String service, String version, String schemaVersion, Instant deployedAt, String deployedBy,
        String source, String workflowId, boolean forced, Instant verifiedAt, String verifiedBy,
        Instant rolledBackAt, String rolledBackBy, String rollbackReason, String state) {
      this(service, version, schemaVersion, deployedAt, deployedBy, source, workflowId, forced, verifiedAt,
          verifiedBy, rolledBackAt, rolledBackBy, rollbackReason, state, null, null);
    }
  }

  /** @param created false when the ledger already had this deploy (a retried record) */
  record Recorded(Release release, boolean created) {}

  /**
   * Records a deploy made outside the product; for a service with a configuration, with a
   * snapshot of it taken by a worker.
   *
   * @param verified CI's own checks passed after the deploy: the version counts as good now
   * @param key makes a retried record change nothing, or null
   * @throws IllegalArgumentException when the service is not one the workers run, or the version
   *     or schema is malformed (the message names the input and the fix)
   */
  Recorded record(String service, String version, String schemaVersion, boolean verified, String key, String by);

  /** The service's releases, newest first. */
  List<Release> history(String service, int limit);
}
