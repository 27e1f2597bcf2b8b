package dev.runbook.starter.client;

import dev.runbook.starter.BackupImports;
import dev.runbook.workflows.BackupImportWorkflow;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.BackupImportRequest;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Imports dump files by starting the import on the workers (the file is on their disks) and
 * waiting for it: what the API does for {@code POST /api/v1/backups/imports}. One import per
 * database and path at a time: a second request for the same file while one runs waits for the
 * same import. A refusal comes back as {@link RunbookException.ImportRefused} with the workers'
 * words.
 */
public final class ImportClient implements BackupImports {
  /** How long a caller waits for an import; it goes on after that, and is listed once done. */
  public static final Duration WAIT = Duration.ofHours(1);

  /** Longer than the import activity may take with its retries (six hours each, at most three). */
  private static final Duration EXECUTION_TIMEOUT = Duration.ofHours(20);

  private final RunbookClient runbooks;
  private final Duration wait;

  public ImportClient(RunbookClient runbooks) {
    this(runbooks, WAIT);
  }

  /** @param wait how long to wait for the import before saying it goes on without the caller */
  public ImportClient(RunbookClient runbooks, Duration wait) {
    this.runbooks = runbooks;
    this.wait = wait;
  }

  @Override
  public ImportResult importBackup(String database, String file, String person) {
    BackupImportRequest request = new BackupImportRequest(database, file, person);
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      throw new RunbookException.InvalidRequest("invalid import: " + String.join("; ", problems));
    }
    List<String> refusals = runbooks.startCheck().importProblems(request);
    if (!refusals.isEmpty()) {
      throw new RunbookException.StartRefused("nothing was imported: " + String.join("; ", refusals));
    }
    String id = request.workflowId();
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setTaskQueue(runbooks.taskQueue())
        .setWorkflowId(id)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setWorkflowTaskTimeout(runbooks.workflowTaskTimeout())
        .setStaticSummary("import " + file + " as a backup of " + database + " by " + person)
        .setMemo(Map.of("importedBy", person, "file", file))
        .setWorkflowExecutionTimeout(EXECUTION_TIMEOUT)
        .build();
    try {
      BackupImportWorkflow w = runbooks.temporal().newWorkflowStub(BackupImportWorkflow.class, options);
      WorkflowClient.start(w::importBackup, request);
      return WorkflowStub.fromTyped(w).getResult(wait.toMillis(), TimeUnit.MILLISECONDS, ImportResult.class);
    } catch (TimeoutException e) {
      throw new RunbookException.Unavailable("the import of " + file + " (" + id + ") is still running after "
          + wait.toMinutes() + " minutes; it goes on, and `runbook backups " + database + "` lists it once done."
          + " If it never starts, no worker polls task queue " + runbooks.taskQueue());
    } catch (WorkflowFailedException e) {
      throw refusal(id, e);
    } catch (WorkflowServiceException e) {
      throw runbooks.translateFailure(id, e);
    }
  }

  /** The activity's own words: a file it refused, or workers that could not do it in time. */
  private static RunbookException refusal(String id, WorkflowFailedException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure af) {
        return FailureType.UNAVAILABLE.name().equals(af.getType())
            ? new RunbookException.Unavailable("the import " + id + " gave up: " + af.getOriginalMessage())
            : new RunbookException.ImportRefused(af.getOriginalMessage());
      }
      if (t instanceof TimeoutFailure) {
        return new RunbookException.Unavailable("the import " + id + " timed out on the workers (is a worker"
            + " running where the file is?): " + t.getMessage());
      }
    }
    return new RunbookException.Unavailable("the import " + id + " failed: " + e.getMessage());
  }
}
