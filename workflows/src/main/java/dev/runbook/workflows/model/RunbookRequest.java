package dev.runbook.workflows.model;

import java.time.Duration;
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

  /**
   * The fix-forward window of an armed run: the run tells the team, waits this long and then goes
   * ahead unless disarmed. Null for a run that goes at once (and for runbooks that cannot be armed).
   */
  default Duration armFor() {
    return null;
  }

  /** The alert whose route armed the run (its resolution disarms it), or null. */
  default AlertRef armingAlert() {
    return null;
  }

  /** The business-scoped workflow ID: one rollback per service (or environment) at a time. */
  String workflowId();

  /** Problems with this request, each naming the field and the fix; empty when valid. */
  List<String> problems();
}
