package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * One step of a run as the status query shows it.
 *
 * @param attempts how many times the workflow started the step (an operator retry adds one)
 * @param planned the exact commands and SQL the step runs, or would run in a dry run
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
    List<String> planned) {}
