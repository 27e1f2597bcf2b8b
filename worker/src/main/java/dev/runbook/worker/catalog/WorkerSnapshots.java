package dev.runbook.worker.catalog;

import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.ConfigSnapshotWorkflow;
import dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Snapshots a service's configuration on a worker, for the API server: only workers run the
 * adapters that can read it (and hold the key that seals it). It starts a short durable workflow
 * ({@link ConfigSnapshotWorkflow}) on the workers' task queue and waits for the snapshot's ID; a
 * worker that crashes meanwhile leaves the activity to another one.
 */
public final class WorkerSnapshots implements LedgerReleases.Snapshots {
  /** How long a recorded deploy waits for a worker to take the snapshot. */
  public static final Duration WAIT = Duration.ofSeconds(60);

  private static final SecureRandom TAGS = new SecureRandom();

  private final WorkflowClient client;
  private final String taskQueue;
  private final Duration wait;

  public WorkerSnapshots(WorkflowClient client, String taskQueue) {
    this(client, taskQueue, WAIT);
  }

  public WorkerSnapshots(WorkflowClient client, String taskQueue, Duration wait) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.wait = wait;
  }

  @Override
  public String take(String service, String by) {
    String id = ConfigSnapshotWorkflow.ID_PREFIX + service + "-" + String.format(Locale.ROOT, "%08x", TAGS.nextInt());
    ConfigSnapshotWorkflow workflow = client.newWorkflowStub(ConfigSnapshotWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(taskQueue)
            .setWorkflowId(id)
            .setWorkflowExecutionTimeout(wait.plus(Duration.ofMinutes(1)))
            .setStaticSummary("snapshot the configuration of " + service + " for a deploy " + by + " recorded")
            .build());
    WorkflowClient.start(workflow::snapshot, new SnapshotRequest(service, by, false));
    WorkflowStub stub = WorkflowStub.fromTyped(workflow);
    try {
      ConfigSnapshot snapshot = stub.getResult(wait.toMillis(), TimeUnit.MILLISECONDS, ConfigSnapshot.class);
      return snapshot.configured() ? snapshot.snapshotId() : null;
    } catch (TimeoutException e) {
      try {
        stub.terminate("no worker took the snapshot within " + wait.toSeconds() + " s");
      } catch (RuntimeException ended) {
        // It ended meanwhile; the deploy is still not recorded, and saying so is what matters.
      }
      throw new RunbookException.Unavailable("no worker took the snapshot of " + service + "'s configuration within "
          + wait.toSeconds() + " s (task queue " + taskQueue + "): is a worker running? Nothing was recorded;"
          + " record the deploy again when one runs");
    } catch (WorkflowFailedException e) {
      throw new IllegalArgumentException("cannot snapshot the configuration of " + service + ": " + innermost(e)
          + ". Nothing was recorded");
    }
  }

  private static String innermost(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof io.temporal.failure.ApplicationFailure a ? a.getOriginalMessage() : t.getMessage();
  }
}
