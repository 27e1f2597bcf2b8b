package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.List;

/** The fields every runbook request carries (DESIGN §3). */
public interface RunbookRequest {
  RunbookType runbook();

  /** The services this run acts on; one for emergency and database, several for full. */
  List<String> services();

  Severity severity();

  String reason();

  String requestedBy();

  boolean dryRun();

  /** Optional incident reference, shown in notifications and the log. */
  String incidentId();

  /** Optional earliest start (P2 only); null means at once. */
  Instant notBefore();

  /** The business-scoped workflow ID: one rollback per service (or environment) at a time. */
  String workflowId();

  /** Problems with this request, each naming the field and the fix; empty when valid. */
  List<String> problems();
}
