package dev.runbook.workflows.model;

import java.util.List;

public record FullRollbackResult(
    RunReport report, String environment, List<ServiceVersions> services, List<String> backupIds) {

  /**
   * One service's versions before and after the run.
   *
   * @param healthy verified healthy on {@code toVersion} after the run; always false in a dry run,
   *     which deploys and verifies nothing
   */
  public record ServiceVersions(String service, String fromVersion, String toVersion, boolean healthy) {}
}
