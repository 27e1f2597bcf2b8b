package dev.runbook.activities.ledger;

import java.time.Instant;

/**
 * One row of the release ledger: a version a service ran, from when, put there by whom, and what
 * became of it.
 *
 * @param source rollback, compensation, recorded (by CI/CD) or observed (running when a rollback
 *     moved away from it, with no earlier record)
 * @param verifiedBy the run whose checks passed, or the person who recorded it as verified
 * @param rolledBackBy the workflow ID of the rollback that moved away from it
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
    String rollbackReason) {

  public boolean verified() {
    return verifiedAt != null;
  }

  public boolean rolledBackFrom() {
    return rolledBackAt != null;
  }
}
