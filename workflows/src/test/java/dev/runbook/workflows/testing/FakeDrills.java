package dev.runbook.workflows.testing;

import dev.runbook.workflows.activities.DrillActivities;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillRequest;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The drills table in memory, keyed like the real one: a start once, a report once. */
public final class FakeDrills implements DrillActivities {
  /** A drill's row: its start, and its report once it ended. */
  public record Row(String workflowId, DrillRequest request, String rollbackWorkflowId, Instant startedAt,
      DrillReport report, Instant finishedAt) {}

  private final Map<String, Row> rows = new LinkedHashMap<>();
  private int reportsCounted;
  private String refusal;

  /** The workers refuse every drill's start with this message, as they do a production target. */
  public synchronized void refuse(String message) {
    refusal = message;
  }

  @Override
  public synchronized void started(String workflowId, DrillRequest request, String rollbackWorkflowId,
      Instant startedAt) {
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, FailureType.INVALID_INPUT.name());
    }
    rows.putIfAbsent(workflowId, new Row(workflowId, request, rollbackWorkflowId, startedAt, null, null));
  }

  @Override
  public synchronized void finished(DrillReport report, Instant finishedAt) {
    Row row = rows.get(report.workflowId());
    if (row != null && row.report() == null) {
      rows.put(row.workflowId(), new Row(row.workflowId(), row.request(), row.rollbackWorkflowId(), row.startedAt(),
          report, finishedAt));
      reportsCounted++;
    }
  }

  public synchronized Row row(String workflowId) {
    return rows.get(workflowId);
  }

  /** How many reports were stored (a retried finish must not count twice). */
  public synchronized int reportsCounted() {
    return reportsCounted;
  }
}
