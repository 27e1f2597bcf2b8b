package dev.runbook.starter.client;

/**
 * What a person asks for with {@code runbook drill} or {@code POST /api/v1/drills}: every field
 * but runbook and target may be left out where the {@code drills:} entry of the target gives it.
 *
 * @param runbook emergency (a service) or full (an environment)
 * @param target the staging service or environment
 * @param badVersion the known-bad version deployed to break it
 * @param brokenService for a full drill, which service of the environment gets the bad version
 * @param detection health-check, error-rate or smoke-check
 * @param limit how long to wait for detection, e.g. 5m
 * @param sla how long the rollback may take, e.g. 10m
 * @param approver who approves the drilled runbook (then P1); none runs it at P0
 */
public record DrillStart(
    String runbook,
    String target,
    String badVersion,
    String brokenService,
    String detection,
    String limit,
    String sla,
    String approver) {}
