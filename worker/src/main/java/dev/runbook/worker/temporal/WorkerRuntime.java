package dev.runbook.worker.temporal;

import dev.runbook.workflows.BackupImportWorkflowImpl;
import dev.runbook.workflows.BackupWorkflowImpl;
import dev.runbook.workflows.CleanupWorkflowImpl;
import dev.runbook.workflows.ConfigSnapshotWorkflowImpl;
import dev.runbook.workflows.DatabaseRollbackWorkflowImpl;
import dev.runbook.workflows.DatabaseScheduleWorkflowImpl;
import dev.runbook.workflows.DrillScheduleWorkflowImpl;
import dev.runbook.workflows.DrillWorkflowImpl;
import dev.runbook.workflows.EmergencyRollbackWorkflowImpl;
import dev.runbook.workflows.FullRollbackWorkflowImpl;
import dev.runbook.workflows.ServiceRollbackWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.common.interceptors.WorkerInterceptor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal worker: every runbook and job workflow (the backup import, the databases' schedules)
 * and the given activity implementations on one task queue. {@link #close()} stops polling, lets
 * running activities finish for a grace period, then stops; anything cut short resumes on another
 * worker.
 */
public final class WorkerRuntime implements AutoCloseable {
  public static final Class<?>[] WORKFLOWS = {
    EmergencyRollbackWorkflowImpl.class,
    DatabaseRollbackWorkflowImpl.class,
    FullRollbackWorkflowImpl.class,
    ServiceRollbackWorkflowImpl.class,
    BackupImportWorkflowImpl.class,
    BackupWorkflowImpl.class,
    CleanupWorkflowImpl.class,
    DatabaseScheduleWorkflowImpl.class,
    ConfigSnapshotWorkflowImpl.class,
    DrillWorkflowImpl.class,
    DrillScheduleWorkflowImpl.class,
    dev.runbook.workflows.ChecklistWorkflowImpl.class
  };

  private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);

  private final WorkerFactory factory;
  private final String taskQueue;
  private final Duration grace;

  private WorkerRuntime(WorkerFactory factory, String taskQueue, Duration grace) {
    this.factory = factory;
    this.taskQueue = taskQueue;
    this.grace = grace;
  }

  /**
   * @param maxConcurrentActivities how many activities run at once (backups and restores are heavy)
   */
  public static WorkerRuntime start(
      WorkflowClient client, String taskQueue, int maxConcurrentActivities, Duration grace, Object... activities) {
    return start(client, taskQueue, maxConcurrentActivities, grace, List.of(), activities);
  }

  /**
   * @param interceptors wrap every workflow and activity execution (metrics, fault injection),
   *     inside the one every worker has: a failed activity attempt logged as one line
   */
  public static WorkerRuntime start(
      WorkflowClient client,
      String taskQueue,
      int maxConcurrentActivities,
      Duration grace,
      List<WorkerInterceptor> interceptors,
      Object... activities) {
    return start(client, taskQueue, maxConcurrentActivities, grace, null, interceptors, activities);
  }

  /** @param identity what Temporal records as this worker (see {@link WorkerIdentity}); null for the SDK's default */
  public static WorkerRuntime start(
      WorkflowClient client,
      String taskQueue,
      int maxConcurrentActivities,
      Duration grace,
      String identity,
      List<WorkerInterceptor> interceptors,
      Object... activities) {
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(withFailureLog(interceptors))
                .build());
    WorkerOptions.Builder options =
        WorkerOptions.newBuilder()
            .setMaxConcurrentActivityExecutionSize(maxConcurrentActivities)
            .setDefaultHeartbeatThrottleInterval(Duration.ofSeconds(2))
            .setMaxHeartbeatThrottleInterval(Duration.ofSeconds(5));
    if (identity != null) {
      options.setIdentity(identity);
    }
    Worker worker = factory.newWorker(taskQueue, options.build());
    worker.registerWorkflowImplementationTypes(WORKFLOWS);
    worker.registerActivitiesImplementations(activities);
    factory.start();
    log.info("worker {} polling task queue {} ({} activity implementations)",
        identity != null ? identity : client.getOptions().getIdentity(), taskQueue,
        activities.length);
    return new WorkerRuntime(factory, taskQueue, grace);
  }

  private static WorkerInterceptor[] withFailureLog(List<WorkerInterceptor> interceptors) {
    List<WorkerInterceptor> all = new java.util.ArrayList<>();
    all.add(new ActivityFailureLog());
    all.addAll(interceptors);
    return all.toArray(new WorkerInterceptor[0]);
  }

  public String taskQueue() {
    return taskQueue;
  }

  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    if (!factory.isTerminated()) {
      log.warn("activities still running after {}s; stopping them (they resume elsewhere)", grace.toSeconds());
      factory.shutdownNow();
      factory.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
