package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * What an approval gate waits for.
 *
 * @param escalationLevel how many escalations have gone out
 * @param nextEscalationAt when the next escalation goes out (null when none is left)
 * @param abortsAt when the run aborts if nobody approves
 */
public record PendingApproval(
    int required,
    List<String> roles,
    List<String> approvedBy,
    Instant requestedAt,
    int escalationLevel,
    Instant nextEscalationAt,
    Instant abortsAt,
    Instant notBefore) {}
