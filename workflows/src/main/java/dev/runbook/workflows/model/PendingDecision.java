package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.List;

/** A step that failed for good and waits for an operator. */
public record PendingDecision(
    String step, String error, List<DecisionAction> options, Instant since) {}
