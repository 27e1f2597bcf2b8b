package dev.runbook.workflows.model;

import java.time.Instant;

/**
 * A database's schedule as its {@code schedule} query answers.
 *
 * @param nextBackup when the next scheduled backup starts; null when none is scheduled
 * @param running the job the schedule waits for now, if any
 */
public record ScheduleStatus(
    String database,
    String backup,
    Instant nextBackup,
    String cleanup,
    Instant nextCleanup,
    String running,
    DatabaseSchedule.JobRun lastBackup,
    DatabaseSchedule.JobRun lastCleanup) {}
