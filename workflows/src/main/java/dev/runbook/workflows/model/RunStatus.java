package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * The answer to the {@code status} query: everything a person following the run needs.
 *
 * @param armed an armed run's fix-forward window while it lasts (when it ends, who armed it), else
 *     null
 */
public record RunStatus(
    String workflowId,
    RunbookType runbook,
    Severity severity,
    List<String> services,
    String reason,
    String requestedBy,
    String incidentId,
    boolean dryRun,
    Phase phase,
    String currentStep,
    String waitingFor,
    Instant startedAt,
    Instant finishedAt,
    List<StepStatus> steps,
    PendingApproval pendingApproval,
    PendingDecision pendingDecision,
    List<ActionRecord> actions,
    String outcomeMessage,
    Armed armed) {}
