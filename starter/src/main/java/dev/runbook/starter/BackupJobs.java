package dev.runbook.starter;

import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.activities.RetentionActivities.Kept;
import dev.runbook.workflows.activities.RetentionActivities.Removal;
import dev.runbook.workflows.model.Phase;
import java.util.List;

/**
 * The backup jobs as the CLI reaches them through the API: a backup of a database on demand,
 * and retention on demand (what {@code runbook backups prune} shows or removes). Both run on the
 * workers, which hold the backups and the database credentials.
 */
public interface BackupJobs {
  /**
   * Starts a backup run of {@code database} ({@code backup-<database>-<tag>}).
   *
   * @param reason why; null for "backup on demand"
   * @param person who asks (trusted only in a local dev; elsewhere the token says it)
   */
  Runbooks.Started backup(String database, String reason, String person);

  /**
   * Runs retention for {@code database} (every database when null) and waits for it a while.
   *
   * @param dryRun list what would go and remove nothing
   */
  Pruned prune(String database, boolean dryRun, String person);

  /**
   * What a cleanup run removed, or would remove in a dry run.
   *
   * @param outcome how the run ended; null while it still goes on (follow it at statusUrl)
   * @param removed null until the run has pruned
   */
  record Pruned(
      String workflowId,
      String statusUrl,
      boolean dryRun,
      Phase outcome,
      String message,
      List<Removal> removed,
      List<Kept> kept) {}
}
