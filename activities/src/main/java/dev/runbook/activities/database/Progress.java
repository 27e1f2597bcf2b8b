package dev.runbook.activities.database;

/**
 * Heartbeat details of a long database step.
 *
 * @param phase what runs: dump, checksum, verify, restore
 * @param bytes bytes written so far (dump directory or restored database size)
 * @param elapsedMillis time since the phase started
 */
public record Progress(String phase, long bytes, long elapsedMillis) {}
