package dev.runbook.workflows.activities;

import dev.runbook.workflows.model.RunbookType;
import io.temporal.activity.ActivityInterface;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The rollback log in PostgreSQL. */
@ActivityInterface(namePrefix = "Audit")
public interface AuditActivities {
  /** Writes the events; an event already written (same run and seq) is left as it is. */
  void record(AuditBatch batch);

  record AuditBatch(String workflowId, String runId, RunbookType runbook, List<AuditEvent> events) {}

  /**
   * @param seq the event's number within the run, its idempotency key
   * @param data type-specific fields: RUN_STARTED has severity, services, reason, requestedBy,
   *     incidentId, dryRun; TARGET_RESOLVED has from and to; ROLLBACK_APPLIED has from, to and,
   *     when health is watched next, monitorFor; RUN_FINISHED has from, to, outcome, durationMs
   */
  record AuditEvent(
      long seq,
      AuditEventType type,
      Instant at,
      String actor,
      String step,
      String detail,
      Map<String, String> data) {}
}
