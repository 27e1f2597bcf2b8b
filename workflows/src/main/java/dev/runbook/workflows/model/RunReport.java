package dev.runbook.workflows.model;

import java.time.Duration;
import java.util.List;

/**
 * What every runbook returns, inside its own result record.
 *
 * @param outcome the terminal phase
 * @param plannedActions in a dry run, every action the run would take, in order
 */
public record RunReport(
    String workflowId,
    Phase outcome,
    String message,
    Duration duration,
    List<StepStatus> steps,
    List<String> plannedActions,
    List<ActionRecord> actions) {}
