package dev.runbook.activities.ledger;

import java.time.Instant;

/**
 * One row of the release ledger: a version a service ran, with the configuration it ran with,
 * from when, put there by whom, and what became of it.
 *
 * @param source rollback, compensation, recorded (by CI/CD) or observed (running when a rollback
 *     moved away from it, with no earlier record)
 * @param verifiedBy the run whose checks passed, or the person who recorded it as verified
 * @param rolledBackBy the workflow ID of the rollback that moved away from it
 * @param configSnapshot the configuration snapshot it ran with, or null when none was taken (a
 *     service without configuration, or a row written before configurations were kept)
 * @param configRolledBackBy the workflow ID of the rollback that moved away from its configuration
 */
public record Release(
    long id,
    String service,
    String version,
    String schemaVersion,
    Instant deployedAt,
    String deployedBy,
    String source,
    String workflowId,
    String reason,
    boolean forced,
    Instant verifiedAt,
    String verifiedBy,
    Instant rolledBackAt,
    String rolledBackBy,
    String rollbackReason,
    String configSnapshot,
    Instant configRolledBackAt,
    String configRolledBackBy,
    String configRollbackReason) {

  /** A release without a configuration. */
  public Release(long id, String service, String version, String schemaVersion, Instant deployedAt,
      String deployedBy, String source, String workflowId, String reason, boolean forced, Instant verifiedAt,
      String verifiedBy, Instant rolledBackAt, String rolledBackBy, String rollbackReason) {
    this(id, service, version, schemaVersion, deployedAt, deployedBy, source, workflowId, reason, forced,
        verifiedAt, verifiedBy, rolledBackAt, rolledBackBy, rollbackReason, null, null, null, null);
  }

  public boolean verified() {
    return verifiedAt != null;
  }

  public boolean rolledBackFrom() {
    return rolledBackAt != null;
  }

  /** A rollback moved away from the configuration this row ran with. */
  public boolean configRolledBackFrom() {
    return configRolledBackAt != null;
  }
}
