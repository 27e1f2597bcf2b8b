package dev.runbook.starter.cli;

import dev.runbook.starter.BackupImports;
import dev.runbook.starter.BackupJobs;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.DrillLog;
import dev.runbook.starter.DrillJobs;
import dev.runbook.starter.IncidentReports;
import dev.runbook.starter.Releases;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.client.Runbooks;
import java.util.List;
import java.util.Map;

/**
 * What the CLI commands need from the process around them. The composition root provides it from
 * the configuration; connections are made on first use, so `--help` needs nothing running.
 */
public interface CliContext {
  Runbooks client();

  RollbackLog log();

  /** The runs' incident reports, built from the rollback log. */
  IncidentReports reports();

  /** The drills recorded in the rollback log, with their reports. */
  DrillLog drills();

  /** The release ledger: what each service ran, and deploys CI/CD records. */
  Releases releases();

  /** The backups recorded in the rollback log. */
  BackupList backups();

  /** Importing dump files people already have as backups. */
  BackupImports imports();

  /** Backups and retention on demand, run by the workers. */
  BackupJobs jobs();

  /** Rollback drills on demand, run by the workers. */
  DrillJobs drillJobs();

  /** The checklist after a run: read it, tick an item. */
  dev.runbook.starter.Checklists checklists();

  /** The services and databases of each configured environment, for the full runbook. */
  Map<String, Environment> environments();

  /**
   * A run's page in Temporal UI (the running dev's, else temporal.uiUrl), or null when no UI is
   * known.
   *
   * @param runId the run's id, or null for the runs with this workflow id
   */
  default String runPage(String workflowId, String runId) {
    return null;
  }

  /** An environment's services in start order and its databases. */
  record Environment(List<String> services, List<String> databases) {}
}
