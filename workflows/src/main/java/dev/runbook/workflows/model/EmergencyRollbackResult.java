package dev.runbook.workflows.model;

/**
 * @param fromVersion the version that was running when the run started
 * @param toVersion the version the run deployed
 * @param backupId the safety backup taken before reverting the schema, if any
 * @param healthyAfterMonitoring false when health regressed during the monitoring period
 */
public record EmergencyRollbackResult(
    RunReport report,
    String service,
    String fromVersion,
    String toVersion,
    String backupId,
    String schemaFrom,
    String schemaTo,
    boolean healthyAfterMonitoring) {}
