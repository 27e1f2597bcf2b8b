package dev.runbook.workflows.model;

import dev.runbook.workflows.model.DrillSchedule.DrillRun;
import java.time.Instant;

/**
 * A drill schedule as its query shows it.
 *
 * @param schedule the cron expression and zone, as people read it
 * @param next when the drill fires next; null while one runs
 * @param running the drill under way, or null
 * @param last the last drill the schedule started, or null
 */
public record DrillScheduleStatus(String target, String schedule, Instant next, String running, DrillRun last) {}
