package dev.runbook.starter.client;

import dev.runbook.workflows.BackupWorkflow;
import dev.runbook.workflows.CleanupWorkflow;
import dev.runbook.workflows.DatabaseRollbackWorkflow;
import dev.runbook.workflows.EmergencyRollbackWorkflow;
import dev.runbook.workflows.FullRollbackWorkflow;
import dev.runbook.workflows.RunbookControl;
import dev.runbook.workflows.model.BackupJobRequest;
import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.CleanupRequest;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.AlertRef;
import dev.runbook.workflows.model.DecisionRequest;
import dev.runbook.workflows.model.DisarmRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.Refusal;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.Vote;
import dev.runbook.workflows.model.WorkflowIds;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;

/**
 * Starts runbooks and acts on runs: what the CLI and the HTTP API both use. Errors come back as
 * {@link RunbookException}s that say what was wrong and what to do.
 */
public final class RunbookClient implements Runbooks {
  /** Temporal's default: how long a worker may take over one workflow task before it moves on. */
  public static final Duration DEFAULT_WORKFLOW_TASK_TIMEOUT = Duration.ofSeconds(10);

  private final WorkflowClient client;
  private final String taskQueue;
  private final Duration workflowTaskTimeout;
  private final StartCheck startCheck;
  private final PendingActivities pending;

  /** A client that checks starts only against the request's own fields (tests of the client). */
  public RunbookClient(WorkflowClient client, String taskQueue) {
    this(client, taskQueue, DEFAULT_WORKFLOW_TASK_TIMEOUT, StartCheck.REQUEST_ONLY);
  }

  /** @param startCheck judges each start against what the workers run, before anything starts */
  public RunbookClient(WorkflowClient client, String taskQueue, StartCheck startCheck) {
    this(client, taskQueue, DEFAULT_WORKFLOW_TASK_TIMEOUT, startCheck);
  }

  public RunbookClient(WorkflowClient client, String taskQueue, Duration workflowTaskTimeout) {
    this(client, taskQueue, workflowTaskTimeout, StartCheck.REQUEST_ONLY);
  }

  /**
   * @param workflowTaskTimeout how soon a workflow task held by a dead worker moves to a live one;
   *     shorter means faster recovery after a worker crash, at the price of spurious retries when a
   *     worker is merely slow
   */
  public RunbookClient(WorkflowClient client, String taskQueue, Duration workflowTaskTimeout, StartCheck startCheck) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.workflowTaskTimeout = workflowTaskTimeout;
    this.startCheck = startCheck;
    this.pending = new PendingActivities(client);
  }

  public WorkflowClient temporal() {
    return client;
  }

  public String taskQueue() {
    return taskQueue;
  }

  StartCheck startCheck() {
    return startCheck;
  }

  Duration workflowTaskTimeout() {
    return workflowTaskTimeout;
  }

  /** The same answer for a failure Temporal reported while acting on {@code workflowId}. */
  RunbookException translateFailure(String workflowId, RuntimeException e) {
    return translate(workflowId, e);
  }

  /**
   * Starts a runbook. A real run takes its business ID: a second rollback of the same target
   * while one runs is refused with {@link RunbookException.Conflict}, naming the running one. A
   * dry run takes an ID of its own ({@link WorkflowIds#forDryRun}), so it never holds a service:
   * it starts beside a real run of the same target, and beside other dry runs.
   */
  @Override
  public Started start(RunbookRequest asked) {
    List<String> problems = asked.problems();
    if (!problems.isEmpty()) {
      throw new RunbookException.InvalidRequest(
          "invalid " + asked.runbook().id() + " request: " + String.join("; ", problems));
    }
    List<String> refusals = startCheck.problems(asked);
    if (!refusals.isEmpty()) {
      throw new RunbookException.StartRefused(
          "nothing was started: " + String.join("; ", refusals));
    }
    RunbookRequest request = startCheck.complete(asked);
    if (!request.dryRun() || !request.runbook().rollback()) {
      // A job's ID carries its own tag: a dry run of it holds nothing either.
      return startAs(request, request.workflowId());
    }
    // Eight random hex digits: a clash is unlikely, and then another tag is drawn.
    for (int attempt = 1; ; attempt++) {
      try {
        return startAs(request, WorkflowIds.forDryRun(request.workflowId(), dryRunTag()));
      } catch (RunbookException.Conflict clash) {
        if (attempt >= 3) {
          throw clash;
        }
      }
    }
  }

  private static String dryRunTag() {
    return newTag();
  }

  /** A fresh tag for a run's ID: eight random hex digits (a backup's, a cleanup's, a dry run's). */
  public static String newTag() {
    return String.format(java.util.Locale.ROOT, "%08x", TAGS.nextInt());
  }

  private static final java.security.SecureRandom TAGS = new java.security.SecureRandom();

  private Started startAs(RunbookRequest request, String workflowId) {
    WorkflowOptions options = options(request, workflowId);
    try {
      var execution =
          switch (request.runbook()) {
            case EMERGENCY -> {
              EmergencyRollbackWorkflow w = client.newWorkflowStub(EmergencyRollbackWorkflow.class, options);
              yield WorkflowClient.start(w::rollback, (EmergencyRollbackRequest) request);
            }
            case DATABASE -> {
              DatabaseRollbackWorkflow w = client.newWorkflowStub(DatabaseRollbackWorkflow.class, options);
              yield WorkflowClient.start(w::rollback, (DatabaseRollbackRequest) request);
            }
            case FULL -> {
              FullRollbackWorkflow w = client.newWorkflowStub(FullRollbackWorkflow.class, options);
              yield WorkflowClient.start(w::rollback, (FullRollbackRequest) request);
            }
            case BACKUP -> {
              BackupWorkflow w = client.newWorkflowStub(BackupWorkflow.class, options);
              yield WorkflowClient.start(w::backup, (BackupJobRequest) request);
            }
            case CLEANUP -> {
              CleanupWorkflow w = client.newWorkflowStub(CleanupWorkflow.class, options);
              yield WorkflowClient.start(w::clean, (CleanupRequest) request);
            }
          };
      return new Started(execution.getWorkflowId(), execution.getRunId(), request.dryRun());
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw conflict(request, workflowId);
    } catch (WorkflowServiceException e) {
      throw translate(workflowId, e);
    }
  }

  private WorkflowOptions options(RunbookRequest r, String workflowId) {
    return StartOptions.of(r, workflowId, taskQueue, workflowTaskTimeout);
  }

  /** The one line Temporal UI shows for a run. */
  static String summary(RunbookRequest r) {
    return StartOptions.summary(r);
  }

  /**
   * Waits up to {@code timeout} for a run's result.
   *
   * @return the result, or empty when the run still goes on
   * @throws RunbookException.UnknownRun when there is no such run
   */
  public <R> java.util.Optional<R> awaitResult(String workflowId, Class<R> type, Duration timeout) {
    try {
      return java.util.Optional.of(client.newUntypedWorkflowStub(workflowId)
          .getResult(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS, type));
    } catch (java.util.concurrent.TimeoutException stillRunning) {
      return java.util.Optional.empty();
    } catch (WorkflowNotFoundException e) {
      throw new RunbookException.UnknownRun(workflowId);
    }
  }

  private RunbookException conflict(RunbookRequest r, String id) {
    if (!r.runbook().rollback()) {
      return new RunbookException.Conflict(id, "a " + r.runbook().id() + " with the ID " + id + " already exists:"
          + " start it again (it takes a new tag)");
    }
    String what = String.join(", ", r.services());
    try {
      RunStatus running = status(id);
      return new RunbookException.Conflict(
          id,
          what + " already has a rollback running: " + id + " (" + running.runbook().id() + ", "
              + running.severity() + ", requested by " + running.requestedBy() + " at "
              + running.startedAt() + ", phase " + running.phase().label() + "). Follow it with"
              + " `runbook status " + id + "` or cancel it before starting another.");
    } catch (RuntimeException cannotDescribe) {
      return new RunbookException.Conflict(
          id,
          what + " already has a rollback running: " + id + ". Follow it with `runbook status "
              + id + "` or cancel it before starting another.");
    }
  }

  @Override
  public Receipt approve(String workflowId, String person, String comment, String planHash) {
    return act(workflowId, RunbookControl.APPROVE, person, new Vote(person, comment, planHash));
  }

  @Override
  public Receipt reject(String workflowId, String person, String reason) {
    return act(workflowId, RunbookControl.REJECT, person, new Vote(person, reason));
  }

  @Override
  public Receipt decide(String workflowId, DecisionAction action, String person, String comment) {
    return act(workflowId, RunbookControl.DECIDE, person, new DecisionRequest(action, person, comment));
  }

  @Override
  public Receipt cancel(String workflowId, String person, String reason) {
    return act(workflowId, RunbookControl.CANCEL, person, new CancelRequest(person, reason));
  }

  @Override
  public Receipt disarm(String workflowId, String person, String reason) {
    return act(workflowId, RunbookControl.DISARM, person, DisarmRequest.byPerson(person, reason));
  }

  /**
   * A resolved Alertmanager alert disarms the run its route armed; the run refuses (and says why)
   * when it is not armed any more or another alert armed it.
   *
   * @param person who delivered the alert (the Alertmanager user)
   */
  public Receipt disarmByAlert(String workflowId, String person, AlertRef alert) {
    return act(workflowId, RunbookControl.DISARM, person, new DisarmRequest(person, null, alert));
  }

  /**
   * Sends an update. A refusal is reported back to the run (a validator cannot record it) and
   * thrown as {@link RunbookException.Refused}.
   */
  private Receipt act(String workflowId, String update, String person, Object argument) {
    try {
      return retried(() -> {
        try {
          return updateOnce(workflowId, update, argument);
        } catch (RunbookException.Refused refused) {
          try {
            client.newUntypedWorkflowStub(workflowId)
                .signal("record-refusal", new Refusal(person, update, refused.getMessage()));
          } catch (RuntimeException ended) {
            // The run may have ended meanwhile; the refusal still reaches the caller.
          }
          throw refused;
        }
      });
    } catch (RunbookException.UnknownRun e) {
      throw endedOr(workflowId, e);
    }
  }

  /**
   * Sends an update to a workflow that keeps no refusals (a drill): a refusal of its validator is
   * thrown as {@link RunbookException.Refused} with its kind and reason, and no workflow (or one
   * that has ended) as {@link RunbookException.UnknownRun}, for the caller to word.
   */
  Receipt update(String workflowId, String update, Object argument) {
    return retried(() -> updateOnce(workflowId, update, argument));
  }

  /** A workflow task that failed and kept nothing is sent again, up to three times in all. */
  private static Receipt retried(java.util.function.Supplier<Receipt> send) {
    for (int attempt = 1; ; attempt++) {
      try {
        return send.get();
      } catch (RunbookException.Unavailable e) {
        if (attempt >= 3 || !e.taskFailed) {
          throw e;
        }
      }
    }
  }

  /**
   * Temporal answers an update to a run that has ended as if there were no such run; a run that
   * ended is still there to query, and the caller is told it ended and how.
   */
  private RunbookException endedOr(String workflowId, RunbookException.UnknownRun unknown) {
    RunStatus ended;
    try {
      ended = query(workflowId);
    } catch (RunbookException.UnknownRun really) {
      return unknown;
    }
    return new RunbookException.Refused(RefusalKind.NOT_WAITING,
        "the run has ended (" + ended.phase().label() + "): there is nothing left to act on");
  }

  private Receipt updateOnce(String workflowId, String update, Object argument) {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    try {
      return stub.update(update, Receipt.class, argument);
    } catch (WorkflowUpdateException e) {
      if (e.getCause() instanceof ApplicationFailure af) {
        RefusalKind.Refused refused = RefusalKind.parse(af.getOriginalMessage());
        throw new RunbookException.Refused(refused.kind(), refused.reason());
      }
      throw translate(workflowId, e);
    } catch (WorkflowNotFoundException e) {
      throw new RunbookException.UnknownRun(workflowId);
    } catch (WorkflowServiceException e) {
      throw translate(workflowId, e);
    }
  }

  /**
   * The run's status, with what the server reports of the running step's activity in flight:
   * its attempt, the next try and the last error (the workflow itself cannot know them).
   */
  @Override
  public RunStatus status(String workflowId) {
    RunStatus s = query(workflowId);
    try {
      return pending.addTo(s);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return s; // gone between the two calls: the status is all there is
      }
      throw translate(workflowId, e);
    }
  }

  private RunStatus query(String workflowId) {
    // A run that was just started answers queries once its first workflow task is done.
    for (int attempt = 1; ; attempt++) {
      try {
        return client.newUntypedWorkflowStub(workflowId).query("status", RunStatus.class);
      } catch (WorkflowNotFoundException e) {
        throw new RunbookException.UnknownRun(workflowId);
      } catch (WorkflowQueryException | WorkflowServiceException e) {
        if (attempt >= 25 || !notReadyYet(e)) {
          throw translate(workflowId, e);
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RunbookException.Unavailable("interrupted while asking " + workflowId + " for its status");
      }
    }
  }

  private static boolean notReadyYet(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
        return true;
      }
      String m = t.getMessage();
      if (m != null && m.contains("workflow task")) {
        return true;
      }
    }
    return false;
  }

  RunbookException translate(String workflowId, RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
          && String.valueOf(s.getStatus().getDescription()).contains("workflow task failure")) {
        // The task that took the update was rejected (another event arrived while it ended the
        // run); nothing of it was kept, so the same update can be sent again.
        return new RunbookException.Unavailable("the run's workflow task was retried; send the same request again", true);
      }
      if (t instanceof WorkflowNotFoundException) {
        return new RunbookException.UnknownRun(workflowId);
      }
      if (t instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
          && String.valueOf(s.getStatus().getDescription()).contains("no poller seen")) {
        // Queries are answered by a worker; the server gives up when none polled the queue lately.
        return new RunbookException.Unavailable("no worker has polled task queue " + taskQueue + " on "
            + client.getWorkflowServiceStubs().getOptions().getTarget() + " lately, and only a worker can"
            + " answer for " + workflowId + ": start one (`runbook worker`, or `runbook dev` for the embedded"
            + " server) and ask again; the run itself is safe and goes on when a worker starts");
      }
      if (t instanceof StatusRuntimeException s) {
        Status.Code code = s.getStatus().getCode();
        if (code == Status.Code.NOT_FOUND) {
          return new RunbookException.UnknownRun(workflowId);
        }
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
          return RunbookException.Unavailable.temporal(client.getWorkflowServiceStubs().getOptions().getTarget(), s);
        }
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return new RunbookException.Unavailable("cannot act on " + workflowId + ": "
        + (root == e ? e.getMessage() : root.getClass().getSimpleName() + ": " + root.getMessage()));
  }
}
