package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Remove what retention lets go, for one configured database or for all of them: backups beyond
 * its {@code retention}, safety copies older than {@code safetyCopies.keep} (never the newest),
 * staging databases of runs that have ended, and lock files nothing holds. On a schedule
 * (daily unless the database's {@code cleanup.schedule} says otherwise), or from {@code runbook
 * backups prune}.
 *
 * @param database the configured database; null means every database the workers have
 * @param tag eight hex digits: the run's ID is {@code cleanup-<database>-<tag>}
 * @param dryRun list what would go and remove nothing
 * @param schedule the schedule that started it; null when a person asked
 */
public record CleanupRequest(
    String database, String reason, String requestedBy, String tag, boolean dryRun, String schedule)
    implements RunbookRequest {

  @Override
  public RunbookType runbook() {
    return RunbookType.CLEANUP;
  }

  @Override
  public List<String> services() {
    return database == null ? List.of() : List.of(database);
  }

  /** A cleanup has no severity: nothing waits for an approval. */
  @Override
  public Severity severity() {
    return null;
  }

  @Override
  public String reason() {
    if (reason != null && !reason.isBlank()) {
      return reason;
    }
    return schedule != null ? "scheduled cleanup (" + schedule + ")" : "cleanup on demand";
  }

  @Override
  public String incidentId() {
    return null;
  }

  @Override
  public Instant notBefore() {
    return null;
  }

  @Override
  public String workflowId() {
    return WorkflowIds.forCleanup(database, tag);
  }

  @Override
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    Validation.optionalName(p, "database", database);
    Validation.job(p, this, tag);
    return p;
  }
}
