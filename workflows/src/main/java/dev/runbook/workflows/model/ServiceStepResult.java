package dev.runbook.workflows.model;

import java.util.List;

/**
 * @param fromVersion PREPARE: the version running now
 * @param toVersion PREPARE: the resolved target; DEPLOY and VERIFY: the version now running
 * @param fromConfig PREPARE: the configuration snapshot the service has now, or null (none)
 * @param toConfig PREPARE: the configuration to restore, or null when there is none to restore;
 *     RESTORE_CONFIG: the one the service has now
 */
public record ServiceStepResult(
    String service,
    ServiceStep step,
    String fromVersion,
    String toVersion,
    boolean healthy,
    String detail,
    List<String> planned,
    String fromConfig,
    String toConfig)
    implements dev.runbook.workflows.activities.Planned {

  public ServiceStepResult(String service, ServiceStep step, String fromVersion, String toVersion, boolean healthy,
      String detail, List<String> planned) {
    this(service, step, fromVersion, toVersion, healthy, detail, planned, null, null);
  }
}
