package dev.runbook.workflows.testing;

import static org.assertj.core.api.Assertions.fail;

import dev.runbook.workflows.BackupImportWorkflow;
import dev.runbook.workflows.BackupImportWorkflowImpl;
import dev.runbook.workflows.BackupWorkflow;
import dev.runbook.workflows.BackupWorkflowImpl;
import dev.runbook.workflows.CleanupWorkflow;
import dev.runbook.workflows.CleanupWorkflowImpl;
import dev.runbook.workflows.DatabaseRollbackWorkflow;
import dev.runbook.workflows.DatabaseScheduleWorkflowImpl;
import dev.runbook.workflows.DatabaseRollbackWorkflowImpl;
import dev.runbook.workflows.DrillScheduleWorkflowImpl;
import dev.runbook.workflows.DrillWorkflow;
import dev.runbook.workflows.DrillWorkflowImpl;
import dev.runbook.workflows.EmergencyRollbackWorkflow;
import dev.runbook.workflows.EmergencyRollbackWorkflowImpl;
import dev.runbook.workflows.FullRollbackWorkflow;
import dev.runbook.workflows.FullRollbackWorkflowImpl;
import dev.runbook.workflows.RunbookControl;
import dev.runbook.workflows.ServiceRollbackWorkflowImpl;
import dev.runbook.workflows.engine.RunbookSearchAttributes;
import dev.runbook.workflows.model.BackupJobRequest;
import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.CleanupRequest;
import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.DecisionRequest;
import dev.runbook.workflows.model.DisarmRequest;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.model.WorkflowIds;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Starting and driving runbooks in tests, the way the CLI and the API do. */
public final class Runs {
  /**
   * A run a test started, so its history can be recorded and replayed afterwards.
   *
   * @param runId one run of the workflow (a run that continued as new); null for its latest
   */
  public record Started(WorkflowClient client, String workflowId, String runId) {
    public Started(WorkflowClient client, String workflowId) {
      this(client, workflowId, null);
    }
  }

  private static final List<Started> started = new java.util.concurrent.CopyOnWriteArrayList<>();

  private Runs() {}

  /** Records one run of a workflow a test started some other way (a schedule's first run). */
  public static void recordRun(WorkflowClient client, String workflowId, String runId) {
    started.add(new Started(client, workflowId, runId));
  }

  /** The runs started since the last call. */
  public static List<Started> drainStarted() {
    List<Started> all = List.copyOf(started);
    started.clear();
    return all;
  }

  /** A time-skipping test environment with every runbook registered; activities come later. */
  public static TestWorkflowExtension extension() {
    TestWorkflowExtension.Builder b =
        TestWorkflowExtension.newBuilder()
            .registerWorkflowImplementationTypes(
                EmergencyRollbackWorkflowImpl.class,
                DatabaseRollbackWorkflowImpl.class,
                FullRollbackWorkflowImpl.class,
                ServiceRollbackWorkflowImpl.class,
                BackupImportWorkflowImpl.class,
                BackupWorkflowImpl.class,
                CleanupWorkflowImpl.class,
                DatabaseScheduleWorkflowImpl.class,
                dev.runbook.workflows.ConfigSnapshotWorkflowImpl.class,
                DrillWorkflowImpl.class,
                DrillScheduleWorkflowImpl.class,
                dev.runbook.workflows.ChecklistWorkflowImpl.class)
            .setDoNotStart(true);
    RunbookSearchAttributes.ALL.forEach(b::registerSearchAttribute);
    return b.build();
  }

  /** The request each runbook is tested with: api (v2 -> v1, schema 3 -> 2), web, prod. */
  public static RunbookRequest request(RunbookType type, Severity severity, boolean dryRun) {
    return switch (type) {
      case EMERGENCY ->
          new EmergencyRollbackRequest(
              "api", severity, "checkout errors after v2", FakeWorld.REQUESTER, dryRun, "INC-7",
              null, true, null, null, Duration.ofMinutes(3), null);
      case DATABASE ->
          new DatabaseRollbackRequest(
              "api", null, severity, "bad migration 3", FakeWorld.REQUESTER, dryRun, "INC-7",
              null, null, null, null, null, null, null, null);
      case FULL ->
          new FullRollbackRequest(
              "prod", List.of("api", "web"), List.of("api"), severity, "release 42 is broken",
              FakeWorld.REQUESTER, dryRun, "INC-7", null, null, null);
      default -> throw new IllegalArgumentException(type + " is not a rollback runbook: see backup() and cleanup()");
    };
  }

  public static DatabaseRollbackRequest restore(Severity severity, boolean inPlace) {
    return new DatabaseRollbackRequest(
        "api", null, severity, "orders table corrupted", FakeWorld.REQUESTER, false, null,
        DatabaseMode.RESTORE,
        inPlace ? dev.runbook.workflows.model.RestoreStrategy.IN_PLACE : null,
        null, null, null, null, null, null);
  }

  /**
   * Starts a run the way the starter does: a real run under its business ID, a dry run under a
   * dry-run ID of its own; conflict policy FAIL.
   */
  public static WorkflowStub start(WorkflowClient client, String taskQueue, RunbookRequest r) {
    String id = r.dryRun() && r.runbook().rollback() ? WorkflowIds.forDryRun(r.workflowId(), dryRunTag()) : r.workflowId();
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setTaskQueue(taskQueue)
            .setWorkflowId(id)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            .setStaticSummary(r.runbook().id() + (r.runbook().rollback() ? " rollback" : "") + " of "
                + String.join(", ", r.services()))
            .build();
    started.add(new Started(client, id));
    switch (r.runbook()) {
      case EMERGENCY -> {
        EmergencyRollbackWorkflow w = client.newWorkflowStub(EmergencyRollbackWorkflow.class, options);
        WorkflowClient.start(w::rollback, (EmergencyRollbackRequest) r);
        return WorkflowStub.fromTyped(w);
      }
      case DATABASE -> {
        DatabaseRollbackWorkflow w = client.newWorkflowStub(DatabaseRollbackWorkflow.class, options);
        WorkflowClient.start(w::rollback, (DatabaseRollbackRequest) r);
        return WorkflowStub.fromTyped(w);
      }
      case BACKUP -> {
        BackupWorkflow w = client.newWorkflowStub(BackupWorkflow.class, options);
        WorkflowClient.start(w::backup, (BackupJobRequest) r);
        return WorkflowStub.fromTyped(w);
      }
      case CLEANUP -> {
        CleanupWorkflow w = client.newWorkflowStub(CleanupWorkflow.class, options);
        WorkflowClient.start(w::clean, (CleanupRequest) r);
        return WorkflowStub.fromTyped(w);
      }
      default -> {
        FullRollbackWorkflow w = client.newWorkflowStub(FullRollbackWorkflow.class, options);
        WorkflowClient.start(w::rollback, (FullRollbackRequest) r);
        return WorkflowStub.fromTyped(w);
      }
    }
  }

  /** Starts an import the way the starter does (its ID from the database and path); recorded. */
  public static WorkflowStub importBackup(WorkflowClient client, String taskQueue,
      dev.runbook.workflows.model.BackupImportRequest r) {
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setWorkflowId(r.workflowId())
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .build();
    started.add(new Started(client, r.workflowId()));
    BackupImportWorkflow w = client.newWorkflowStub(BackupImportWorkflow.class, options);
    WorkflowClient.start(w::importBackup, r);
    return WorkflowStub.fromTyped(w);
  }

  /** Starts a drill under its own ID, conflict policy FAIL; recorded with the runbook it starts. */
  public static WorkflowStub drill(WorkflowClient client, String taskQueue, DrillRequest r) {
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setWorkflowId(r.workflowId())
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setStaticSummary("rollback drill of " + r.target())
        .build();
    started.add(new Started(client, r.workflowId()));
    DrillWorkflow w = client.newWorkflowStub(DrillWorkflow.class, options);
    WorkflowClient.start(w::drill, r);
    return WorkflowStub.fromTyped(w);
  }

  /** A backup of the api database on demand, as {@code runbook backup api} asks for one. */
  public static BackupJobRequest backup() {
    return new BackupJobRequest("api", null, FakeWorld.REQUESTER, dryRunTag(), null);
  }

  /** A cleanup of the api database, as {@code runbook backups prune api [--dry-run]} asks for one. */
  public static CleanupRequest cleanup(boolean dryRun) {
    return new CleanupRequest("api", null, FakeWorld.REQUESTER, dryRunTag(), dryRun, null);
  }

  /** Takes a configuration snapshot through its workflow, as the API server does for a recorded deploy. */
  public static dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot snapshot(
      WorkflowClient client, String taskQueue, String service, String by) {
    String id = dev.runbook.workflows.ConfigSnapshotWorkflow.ID_PREFIX + service + "-" + dryRunTag();
    var w = client.newWorkflowStub(dev.runbook.workflows.ConfigSnapshotWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(taskQueue).setWorkflowId(id).build());
    started.add(new Started(client, id));
    return w.snapshot(new dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest(service, by, false));
  }

  /** A fresh dry-run tag: eight hex digits. */
  public static String dryRunTag() {
    return java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  /** The run's report, whatever its result type (every result record starts with it). */
  public static RunReport report(WorkflowStub stub) {
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = stub.getResult(Map.class);
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
        .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .convertValue(raw.get("report"), RunReport.class);
  }

  public static RunStatus status(WorkflowStub stub) {
    return stub.query("status", RunStatus.class);
  }

  /**
   * Advances the test clock a second at a time until the run reaches {@code phase}; for {@code
   * AWAITING_APPROVAL}, until votes count (a staged restore's approvals wait for its discard
   * measurement).
   */
  public static RunStatus awaitPhase(TestWorkflowEnvironment env, WorkflowStub stub, Phase phase) {
    RunStatus s = null;
    for (int i = 0; i < 600; i++) {
      s = status(stub);
      if (s.phase() == phase && (s.pendingApproval() == null || s.pendingApproval().votesWaitFor() == null)) {
        return s;
      }
      if (s.phase().terminal()) {
        fail("expected phase " + phase.label() + " but the run ended " + s.phase().label() + ": " + s.outcomeMessage());
      }
      env.sleep(Duration.ofSeconds(1));
    }
    return fail("the run never reached " + phase.label() + "; last: " + (s == null ? null : s.phase()));
  }

  /**
   * Waits (real time, up to 10 s) until the rollback log has an event of {@code type}: a run writes
   * the end of a step behind it, so the log may trail what its status already shows.
   */
  public static void awaitLogged(FakeWorld world, dev.runbook.workflows.activities.AuditEventType type) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (world.audit().stream().noneMatch(e -> e.type() == type)) {
      if (System.nanoTime() > deadline) {
        fail("the rollback log never got " + type + "; it has " + world.audit().stream().map(e -> e.type()).toList());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }

  /** The run {@code workflowId} once another workflow (a drill) has started it, waiting in test time. */
  public static WorkflowStub awaitStarted(TestWorkflowEnvironment env, WorkflowClient client, String workflowId) {
    for (int i = 0; i < 60; i++) {
      try {
        WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
        status(stub);
        return stub;
      } catch (io.temporal.client.WorkflowNotFoundException | io.temporal.client.WorkflowServiceException e) {
        env.sleep(java.time.Duration.ofSeconds(1));
      }
    }
    throw new AssertionError(workflowId + " never started");
  }

  public static Receipt approve(WorkflowStub stub, String person) {
    return stub.update(RunbookControl.APPROVE, Receipt.class, new Vote(person, "looks right"));
  }

  /** An approval of the plan the person saw: {@code planHash} as the run showed it. */
  public static Receipt approve(WorkflowStub stub, String person, String planHash) {
    return stub.update(RunbookControl.APPROVE, Receipt.class, new Vote(person, "looks right", planHash));
  }

  public static Receipt reject(WorkflowStub stub, String person, String reason) {
    return stub.update(RunbookControl.REJECT, Receipt.class, new Vote(person, reason));
  }

  public static Receipt decide(WorkflowStub stub, DecisionAction action, String person) {
    return stub.update(RunbookControl.DECIDE, Receipt.class, new DecisionRequest(action, person, "on call"));
  }

  public static Receipt cancel(WorkflowStub stub, String person) {
    return stub.update(RunbookControl.CANCEL, Receipt.class, new CancelRequest(person, "wrong service"));
  }

  public static Receipt disarm(WorkflowStub stub, DisarmRequest request) {
    return stub.update(RunbookControl.DISARM, Receipt.class, request);
  }

  public static Instant now(TestWorkflowEnvironment env) {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }
}
