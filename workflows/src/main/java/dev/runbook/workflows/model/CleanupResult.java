package dev.runbook.workflows.model;

import dev.runbook.workflows.activities.RetentionActivities.PruneReport;

/**
 * What a cleanup run returns: what it removed (or, in a dry run, would remove) and what it kept
 * on purpose, with why.
 *
 * @param pruned null when the run ended before it pruned
 */
public record CleanupResult(RunReport report, String database, boolean dryRun, PruneReport pruned) {}
