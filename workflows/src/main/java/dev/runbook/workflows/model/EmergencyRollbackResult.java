package dev.runbook.workflows.model;

/**
 * @param fromVersion the version that was running when the run started
 * @param toVersion the version the run deployed
 * @param backupId the safety backup taken before reverting the schema, if any
 * @param healthyAfterMonitoring false when health regressed during the monitoring period
 * @param fromConfig the configuration snapshot the service had when the run started, or null
 * @param toConfig the configuration snapshot the run restored, or null when it restored none
 */
public record EmergencyRollbackResult(
    RunReport report,
    String service,
    String fromVersion,
    String toVersion,
    String backupId,
    String schemaFrom,
    String schemaTo,
    boolean healthyAfterMonitoring,
    String fromConfig,
    String toConfig) {

  public EmergencyRollbackResult(RunReport report, String service, String fromVersion, String toVersion,
      String backupId, String schemaFrom, String schemaTo, boolean healthyAfterMonitoring) {
    this(report, service, fromVersion, toVersion, backupId, schemaFrom, schemaTo, healthyAfterMonitoring, null, null);
  }
}
