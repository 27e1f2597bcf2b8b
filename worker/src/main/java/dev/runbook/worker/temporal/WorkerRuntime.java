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
 * and the given activity implementations on one task queue. {@link #close()} stops taking tasks,
 * lets running activities finish (still heartbeating) for a grace period, then stops; anything
 * still running then is cut short and resumes on another worker from its last heartbeat.
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

  /** The worker's default of worker.workflowCacheSize. */
  public static final int DEFAULT_WORKFLOW_CACHE = 100;
  /**
   * How long a stopping worker waits without an activity starting or ending before it shuts down:
   * a poll sent before polling was suspended hands it the next step's task right after the step
   * it was finishing ends (seen 0.1 s later), and that task is run here rather than cut short.
   */
  static final Duration SETTLE = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);

  private final WorkerFactory factory;
  private final String taskQueue;
  private final Duration grace;
  private final RunningActivities running;
  private final KeepAlive keepAlive;

  private WorkerRuntime(
      WorkerFactory factory, String taskQueue, Duration grace, RunningActivities running, KeepAlive keepAlive) {
    this.factory = factory;
    this.taskQueue = taskQueue;
    this.grace = grace;
    this.running = running;
    this.keepAlive = keepAlive;
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
    return start(client, taskQueue, maxConcurrentActivities, DEFAULT_WORKFLOW_CACHE, grace, identity, interceptors,
        activities);
  }

  /**
   * @param workflowCache how many runs this worker keeps in memory between their steps
   *     (worker.workflowCacheSize); the others are replayed from their histories when they wake
   */
  public static WorkerRuntime start(
      WorkflowClient client,
      String taskQueue,
      int maxConcurrentActivities,
      int workflowCache,
      Duration grace,
      String identity,
      List<WorkerInterceptor> interceptors,
      Object... activities) {
    RunningActivities running = new RunningActivities();
    KeepAlive keepAlive = new KeepAlive();
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                // A run that waits (for approval, a decision, its window) holds a thread and its
                // state while cached; past the cache it is replayed from its history when it wakes.
                .setWorkflowCacheSize(workflowCache)
                .setMaxWorkflowThreadCount(2 * workflowCache)
                .setWorkerInterceptors(withOwn(running, keepAlive, interceptors))
                .build());
    WorkerOptions.Builder options =
        WorkerOptions.newBuilder()
            .setMaxConcurrentActivityExecutionSize(maxConcurrentActivities)
            // a heartbeat reaches the server within a second (KeepAlive beats every second), so
            // short heartbeat timeouts hold on a loaded machine
            .setDefaultHeartbeatThrottleInterval(Duration.ofSeconds(1))
            .setMaxHeartbeatThrottleInterval(Duration.ofSeconds(1));
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
    return new WorkerRuntime(factory, taskQueue, grace, running, keepAlive);
  }

  private static WorkerInterceptor[] withOwn(
      RunningActivities running, KeepAlive keepAlive, List<WorkerInterceptor> interceptors) {
    List<WorkerInterceptor> all = new java.util.ArrayList<>();
    all.add(new ActivityFailureLog());
    all.addAll(interceptors);
    all.add(keepAlive);
    all.add(running); // the last wraps the others: it counts an activity for as long as any of it runs
    return all.toArray(new WorkerInterceptor[0]);
  }

  public String taskQueue() {
    return taskQueue;
  }

  /** How many activities this worker runs now. */
  public int runningActivities() {
    return running.running();
  }

  /**
   * Stops taking tasks, then waits up to the grace for the running activities, and for a task a
   * poll sent before the stop may still bring ({@link #SETTLE} without a start or an end): they keep
   * heartbeating and finish here (a shut-down worker's heartbeats fail, which would cut them short
   * and have another worker run the step again). Then shuts down; whatever still runs is cut
   * short and resumes elsewhere.
   */
  @Override
  public void close() {
    long start = System.nanoTime();
    factory.suspendPolling();
    int atStop = running.running();
    boolean drained;
    try {
      drained = running.awaitNone(grace, SETTLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    }
    if (atStop > 0) {
      log.info("{} of {} running activities finished before the worker stopped ({} ms)", atStop - running.running(),
          atStop, (System.nanoTime() - start) / 1_000_000);
    }
    factory.shutdown();
    long left = Math.max(grace.toMillis() - (System.nanoTime() - start) / 1_000_000, 1000);
    factory.awaitTermination(left, TimeUnit.MILLISECONDS);
    if (!drained || !factory.isTerminated()) {
      log.warn("activities still running after {}s; stopping them (they resume elsewhere)", grace.toSeconds());
      factory.shutdownNow();
      factory.awaitTermination(5, TimeUnit.SECONDS);
    }
    keepAlive.close();
  }
}
