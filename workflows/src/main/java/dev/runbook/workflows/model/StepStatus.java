package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * One step of a run as the status query shows it.
 *
 * @param attempts how many times the workflow started the step (an operator retry adds one)
 * @param planned the exact commands and SQL the step runs, or would run in a dry run
 * @param pendingActivity what Temporal reports of the activity the step has in flight (its
 *     attempt, next try and last error); added by the client, never by the workflow
 */
public record StepStatus(
    String id,
    String title,
    StepState state,
    int attempts,
    Instant startedAt,
    Instant finishedAt,
    String detail,
    String error,
    List<String> planned,
    PendingActivity pendingActivity) {

  /** The same step with what Temporal reports of its activity in flight. */
  public StepStatus with(PendingActivity activity) {
    return new StepStatus(id, title, state, attempts, startedAt, finishedAt, detail, error, planned, activity);
  }
}
