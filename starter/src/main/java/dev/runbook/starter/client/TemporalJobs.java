package dev.runbook.starter.client;

import dev.runbook.starter.BackupJobs;
import dev.runbook.workflows.model.BackupJobRequest;
import dev.runbook.workflows.model.CleanupRequest;
import dev.runbook.workflows.model.CleanupResult;
import dev.runbook.workflows.model.RunStatus;
import io.temporal.client.WorkflowFailedException;
import java.time.Duration;
import java.util.Optional;

/**
 * The backup jobs straight through Temporal, for the API server (and anything that hosts the
 * client itself): each starts a run checked like any start, with a fresh tag; a prune is waited
 * for a while, so its caller gets what went.
 */
public final class TemporalJobs implements BackupJobs {
  private final RunbookClient runbooks;
  private final Duration pruneWait;

  /** @param pruneWait how long {@link #prune} waits for the cleanup before it answers without it */
  public TemporalJobs(RunbookClient runbooks, Duration pruneWait) {
    this.runbooks = runbooks;
    this.pruneWait = pruneWait;
  }

  /** Where a run is followed in the API. */
  public static String statusUrl(String workflowId) {
    return "/api/v1/runs/" + workflowId;
  }

  @Override
  public Runbooks.Started backup(String database, String reason, String person) {
    return runbooks.start(new BackupJobRequest(database, reason, person, RunbookClient.newTag(), null));
  }

  @Override
  public Pruned prune(String database, boolean dryRun, String person) {
    Runbooks.Started s = runbooks.start(new CleanupRequest(database, null, person, RunbookClient.newTag(), dryRun, null));
    String url = statusUrl(s.workflowId());
    Optional<CleanupResult> done;
    try {
      done = runbooks.awaitResult(s.workflowId(), CleanupResult.class, pruneWait);
    } catch (WorkflowFailedException failed) {
      RunStatus status = runbooks.status(s.workflowId());
      return new Pruned(s.workflowId(), url, dryRun, status.phase(), status.outcomeMessage(), null, null);
    }
    if (done.isEmpty()) {
      return new Pruned(s.workflowId(), url, dryRun, null, "the cleanup still runs: follow it with `runbook watch "
          + s.workflowId() + "`", null, null);
    }
    CleanupResult r = done.get();
    return new Pruned(s.workflowId(), url, dryRun, r.report().outcome(), r.report().message(),
        r.pruned() == null ? null : r.pruned().removed(), r.pruned() == null ? null : r.pruned().kept());
  }
}
