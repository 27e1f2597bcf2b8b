package dev.runbook.workflows.model;

import java.util.List;

public record FullRollbackResult(
    RunReport report, String environment, List<ServiceVersions> services, List<String> backupIds) {

  /** One service's versions before and after the run. */
  public record ServiceVersions(String service, String fromVersion, String toVersion, boolean healthy) {}
}
