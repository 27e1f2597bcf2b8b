package dev.runbook.workflows.model;

import dev.runbook.workflows.activities.DatabaseActivities;
import java.time.Instant;
import java.util.List;

/**
 * What an approval gate waits for.
 *
 * @param escalationLevel how many escalations have gone out
 * @param nextEscalationAt when the next escalation goes out (null when none is left)
 * @param abortsAt when the run aborts if nobody approves
 * @param plan what the run will do once approved: the exact commands, SQL and versions, and for a
 *     restore the backup; empty in runs that asked before plans were bound to approvals
 * @param planHash the hash a vote approves (null when there is no plan)
 * @param lapses how many times an approval lapsed because the plan changed
 * @param lapsedBecause what changed the last time an approval lapsed, or null
 * @param discards what a restore would discard, once measured (null otherwise)
 * @param votesWaitFor why approvals are not taken yet (the measurement still running), or null
 */
public record PendingApproval(
    int required,
    List<String> roles,
    List<String> approvedBy,
    Instant requestedAt,
    int escalationLevel,
    Instant nextEscalationAt,
    Instant abortsAt,
    Instant notBefore,
    List<String> plan,
    String planHash,
    int lapses,
    String lapsedBecause,
    DatabaseActivities.DiscardReport discards,
    String votesWaitFor) {}
