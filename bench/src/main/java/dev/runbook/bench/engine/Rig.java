package dev.runbook.bench.engine;

import dev.runbook.worker.temporal.TemporalConnection;
import dev.runbook.worker.temporal.WorkerRuntime;
import dev.runbook.workflows.EmergencyRollbackWorkflow;
import dev.runbook.workflows.RunbookControl;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.testing.FakeWorld;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Both sides in one process against one server: the product's worker (every runbook workflow,
 * registered by {@link WorkerRuntime} as in production, with FakeWorld's no-op adapters) and a
 * bare worker running {@link BareWorkflow}, each on its own task queue, with the same activity
 * concurrency. Both are wrapped by the same {@link ActivityClock}.
 */
public final class Rig implements AutoCloseable {
  public static final String RUNBOOK_QUEUE = "bench-runbook";
  public static final String BARE_QUEUE = "bench-bare";
  /** The worker's default (worker.maxConcurrentActivities). */
  public static final int ACTIVITY_SLOTS = 20;
  /**
   * The runbook worker's workflow cache: the product's default (worker.workflowCacheSize), or
   * {@code -Drunbook.bench.workflowCache=N} to see what the cache costs or saves.
   */
  public static final int WORKFLOW_CACHE =
      Integer.getInteger("runbook.bench.workflowCache", WorkerRuntime.DEFAULT_WORKFLOW_CACHE);
  /** The activity a P1 emergency rollback runs first after its approval. */
  public static final String DEPLOY = "ServiceDeploy";
  /** The bare workflow's activity after its gate. */
  public static final String BARE_NEXT = "BareNext";

  private final TemporalConnection connection;
  private final WorkerRuntime runbooks;
  private final WorkerFactory bare;
  private final FakeWorld world = new FakeWorld();
  private final ActivityClock clock = new ActivityClock();
  private final VoteClock votes = new VoteClock();
  private final TaskClock tasks = new TaskClock();
  private final com.uber.m3.tally.Scope metrics =
      new com.uber.m3.tally.RootScopeBuilder().reporter(tasks).reportEvery(com.uber.m3.util.Duration.ofSeconds(10));
  private final AtomicInteger services = new AtomicInteger();

  private Rig(String address) {
    connection = TemporalConnection.connect(address, "default", metrics);
    connection.ensureSearchAttributes();
    WorkflowClient client = connection.client();
    runbooks = WorkerRuntime.start(client, RUNBOOK_QUEUE, ACTIVITY_SLOTS, WORKFLOW_CACHE, Duration.ofSeconds(5), null,
        List.of(clock, votes), world.activities());
    bare = WorkerFactory.newInstance(client,
        WorkerFactoryOptions.newBuilder().setWorkerInterceptors(clock).build());
    Worker w = bare.newWorker(BARE_QUEUE,
        WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(ACTIVITY_SLOTS).build());
    w.registerWorkflowImplementationTypes(BareWorkflowImpl.class);
    w.registerActivitiesImplementations(new BareActivitiesImpl());
    bare.start();
  }

  public static Rig start(String address) {
    return new Rig(address);
  }

  public WorkflowClient client() {
    return connection.client();
  }

  public ActivityClock clock() {
    return clock;
  }

  /** The runbook worker's times for the task that takes a vote. */
  public VoteClock votes() {
    return votes;
  }

  /** The SDK's timings of the workflow tasks, per task queue. */
  public TaskClock tasks() {
    return tasks;
  }

  /**
   * Starts an emergency rollback of a service of its own (v2 -> v1, no database, no monitoring),
   * under a workflow ID of its own.
   */
  public WorkflowStub startRunbook(Severity severity) {
    String service = "svc" + services.incrementAndGet();
    world.addService(service, "v2", "v1", "v0");
    return startRunbook(client(), RUNBOOK_QUEUE, service, severity);
  }

  /** The same on another worker's queue, whose world has {@code service} (see {@link #addServices}). */
  public static WorkflowStub startRunbook(WorkflowClient client, String queue, String service, Severity severity) {
    EmergencyRollbackRequest r = new EmergencyRollbackRequest(service, severity, "bench", FakeWorld.REQUESTER,
        false, null, "v1", false, null, null, Duration.ZERO, null);
    EmergencyRollbackWorkflow w = client.newWorkflowStub(EmergencyRollbackWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(queue).setWorkflowId("bench-rb-" + service + "-"
            + UUID.randomUUID().toString().substring(0, 8)).build());
    WorkflowClient.start(w::rollback, r);
    return WorkflowStub.fromTyped(w);
  }

  /** Gives {@code world} the services {@code prefix}1 to {@code prefix}{@code count}, each running v2 after v1 and v0. */
  public static void addServices(FakeWorld world, String prefix, int count) {
    for (int i = 1; i <= count; i++) {
      world.addService(prefix + i, "v2", "v1", "v0");
    }
  }

  /** Starts the bare workflow: {@code activities} no-ops, waiting for {@code go} after {@code gateAfter} (-1: never). */
  public WorkflowStub startBare(int activities, int gateAfter) {
    BareWorkflow w = client().newWorkflowStub(BareWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(BARE_QUEUE).setWorkflowId("bench-bare-" + UUID.randomUUID()).build());
    WorkflowClient.start(w::run, activities, gateAfter);
    return WorkflowStub.fromTyped(w);
  }

  /** Waits for the run's end; its result type does not matter here. */
  public void await(WorkflowStub run, Duration timeout) throws Exception {
    try {
      run.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, Object.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(run.getExecution().getWorkflowId() + " did not end within " + timeout
          + "; its history ends with " + lastEvents(run), e);
    }
  }

  private String lastEvents(WorkflowStub run) {
    var events = client().fetchHistory(run.getExecution().getWorkflowId()).getHistory().getEventsList();
    StringBuilder b = new StringBuilder();
    for (var e : events.subList(Math.max(0, events.size() - 4), events.size())) {
      b.append("\n  ").append(e.getEventType());
      if (e.hasWorkflowTaskFailedEventAttributes()) {
        b.append(": ").append(e.getWorkflowTaskFailedEventAttributes().getFailure().getMessage());
      }
      if (e.hasActivityTaskFailedEventAttributes()) {
        b.append(": ").append(e.getActivityTaskFailedEventAttributes().getFailure().getMessage());
      }
    }
    return b.toString();
  }

  /** The run's phase, as {@code runbook status} reads it. */
  public static RunStatus status(WorkflowStub run) {
    return run.query("status", RunStatus.class);
  }

  /** Waits until the bare run waits for its {@code go}. */
  public static void awaitGate(WorkflowStub bare, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!bare.query("waiting", Boolean.class)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the bare run never reached its gate within " + timeout);
      }
      Thread.sleep(10);
    }
  }

  /** Waits until the run's approval counts votes. */
  public static void awaitApprovalOpen(WorkflowStub run, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RunStatus s = null;
    while (System.nanoTime() < deadline) {
      s = status(run);
      if (s.phase() == Phase.AWAITING_APPROVAL
          && (s.pendingApproval() == null || s.pendingApproval().votesWaitFor() == null)) {
        return;
      }
      if (s.phase().terminal()) {
        throw new IllegalStateException("the run ended " + s.phase() + " before its approval: " + s.outcomeMessage());
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("no approval open within " + timeout + "; last phase " + (s == null ? null : s.phase()));
  }

  /**
   * Waits until the run has asked its approvers: its approval is open (see {@link
   * #awaitApprovalOpen}) and the approvers' message has been sent, as a person who votes when asked
   * sees it. A vote that comes sooner meets the request's own bookkeeping still in flight.
   */
  public void awaitAsked(WorkflowStub run, Duration timeout) throws InterruptedException {
    awaitApprovalOpen(run, timeout);
    String id = run.getExecution().getWorkflowId();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (world.notifications().stream()
        .noneMatch(n -> n.kind() == NotificationKind.APPROVAL_REQUESTED && n.workflowId().equals(id))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " opened its approval but sent no approval request within " + timeout);
      }
      Thread.sleep(1);
    }
  }

  /**
   * Waits until nothing of the run is pending on the server: no activity (the rollback-log write
   * and message that go behind the run) and no workflow task. A person who is asked answers
   * seconds later, when that is long done; a vote sent within milliseconds of the request meets
   * it in flight, which on the real server holds the vote's workflow task back (its history
   * showed the task started 37 ms after it was scheduled, behind an activity's completion).
   */
  public void awaitQuiet(WorkflowStub run, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    var request = io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace(client().getOptions().getNamespace()).setExecution(run.getExecution()).build();
    while (true) {
      var d = client().getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(request);
      if (d.getPendingActivitiesCount() == 0 && !d.hasPendingWorkflowTask()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(run.getExecution().getWorkflowId() + " still had work pending after " + timeout);
      }
      Thread.sleep(1);
    }
  }

  /** alice (an engineering lead) approves: what {@code runbook approve} sends. */
  public static Receipt approve(WorkflowStub run) {
    return run.update(RunbookControl.APPROVE, Receipt.class, new Vote("alice", "bench"));
  }

  /**
   * The activity types the run scheduled after its first accepted update and before {@code until}
   * (from its history): what stands between an approval and the next step.
   */
  public List<String> activitiesAfterUpdate(WorkflowStub run, String until) {
    List<String> types = new java.util.ArrayList<>();
    boolean after = false;
    for (var e : client().fetchHistory(run.getExecution().getWorkflowId()).getHistory().getEventsList()) {
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
        after = true;
      } else if (after && e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        String type = e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
        if (type.equals(until)) {
          break;
        }
        types.add(type);
      }
    }
    return types;
  }

  /** How many activities the run scheduled (from its history). */
  public int activitiesOf(WorkflowStub run) {
    return (int) client().fetchHistory(run.getExecution().getWorkflowId()).getHistory().getEventsList().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .count();
  }

  @Override
  public void close() {
    try {
      bare.shutdownNow();
      bare.awaitTermination(5, TimeUnit.SECONDS);
    } finally {
      try {
        runbooks.close();
      } finally {
        connection.close();
        try {
          metrics.close();
        } catch (com.uber.m3.tally.ScopeCloseException e) {
          System.err.println("bench: the SDK's metrics scope did not close: " + e.getMessage());
        }
      }
    }
  }
}
