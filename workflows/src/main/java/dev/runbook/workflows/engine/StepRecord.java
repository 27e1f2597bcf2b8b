package dev.runbook.workflows.engine;

import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One step of a run as it goes: state, attempts, times, detail, error and planned actions. */
final class StepRecord {
  final String id;
  final String title;
  StepState state = StepState.PENDING;
  int attempts;
  Instant startedAt;
  Instant finishedAt;
  String detail;
  String error;
  final List<String> planned = new ArrayList<>();

  StepRecord(String id, String title) {
    this.id = id;
    this.title = title;
  }

  StepStatus snapshot() {
    return new StepStatus(id, title, state, attempts, startedAt, finishedAt, detail, error, List.copyOf(planned), null);
  }

  /** The step as the rollback log records it. */
  Map<String, String> auditData() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("state", state.label());
    d.put("attempts", Integer.toString(attempts));
    if (startedAt != null) {
      d.put("startedAt", startedAt.toString());
    }
    if (finishedAt != null) {
      d.put("finishedAt", finishedAt.toString());
    }
    if (error != null) {
      d.put("error", error);
    }
    return d;
  }
}
