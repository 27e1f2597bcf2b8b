package dev.runbook.workflows.model;

import java.util.List;

public record FullRollbackResult(
    RunReport report, String environment, List<ServiceVersions> services, List<String> backupIds) {

  /**
   * One service's versions before and after the run.
   *
   * @param healthy verified healthy on {@code toVersion} after the run; always false in a dry run,
   *     which deploys and verifies nothing
   * @param fromConfig the configuration snapshot it had before, or null (no configuration)
   * @param toConfig the configuration snapshot the run restored, or null when it restored none
   */
  public record ServiceVersions(String service, String fromVersion, String toVersion, boolean healthy,
      String fromConfig, String toConfig) {
    public ServiceVersions(String service, String fromVersion, String toVersion, boolean healthy) {
      this(service, fromVersion, toVersion, healthy, null, null);
    }
  }
}
