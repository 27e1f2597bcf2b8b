package dev.runbook.starter.client;

import dev.runbook.workflows.engine.ActivityCatalog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.PendingActivity;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RunbookClientTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private FakeWorld world;
  private TestWorkflowEnvironment testEnv;
  private RunbookClient runbooks;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) {
    world = new FakeWorld();
    this.testEnv = testEnv;
    worker.registerActivitiesImplementations(world.activities());
    testEnv.start();
    runbooks = new RunbookClient(client, worker.getTaskQueue());
  }

  private RunStatus awaitPhase(String id, Phase phase) {
    return Runs.awaitPhase(testEnv, runbooks.temporal().newUntypedWorkflowStub(id), phase);
  }

  @Test
  void aSecondRollbackOfTheSameServiceIsRefusedNamingTheFirst() {
    var first = runbooks.start(Runs.request(RunbookType.EMERGENCY, Severity.P1, false));
    awaitPhase(first.workflowId(), Phase.AWAITING_APPROVAL);

    assertThatThrownBy(() -> runbooks.start(Runs.request(RunbookType.DATABASE, Severity.P0, false)))
        .isInstanceOfSatisfying(RunbookException.Conflict.class, c -> {
          assertThat(c.runningWorkflowId()).isEqualTo("rollback-api");
          assertThat(c.getMessage())
              .contains("api already has a rollback running: rollback-api (emergency, P1, requested by erin")
              .contains("phase awaiting-approval")
              .contains("runbook status rollback-api");
          assertThat(c.exitCode()).isEqualTo(4);
          assertThat(c.httpStatus()).isEqualTo(409);
        });
    assertThat(world.calls("Database.")).containsExactly("Database.resolveSchemaTarget api");
  }

  @Test
  void aRefusedVoteIsAnsweredWithItsKindAndRecordedInTheRun() {
    var run = runbooks.start(Runs.request(RunbookType.EMERGENCY, Severity.P1, false));
    awaitPhase(run.workflowId(), Phase.AWAITING_APPROVAL);

    assertThatThrownBy(() -> runbooks.approve(run.workflowId(), FakeWorld.REQUESTER, "lgtm"))
        .isInstanceOfSatisfying(RunbookException.Refused.class, r -> {
          assertThat(r.kind()).isEqualTo(RefusalKind.SELF_APPROVAL);
          assertThat(r.getMessage()).startsWith("erin requested this run and cannot approve it");
          assertThat(r.httpStatus()).isEqualTo(403);
          assertThat(r.exitCode()).isEqualTo(3);
        });
    assertThatThrownBy(() -> runbooks.decide(run.workflowId(), DecisionAction.RETRY, "alice", null))
        .isInstanceOfSatisfying(RunbookException.Refused.class,
            r -> assertThat(r.kind()).isEqualTo(RefusalKind.NOT_WAITING));

    RunStatus status = runbooks.status(run.workflowId());
    assertThat(status.actions()).filteredOn(a -> a.action().startsWith("refused"))
        .extracting(a -> a.actor() + " " + a.action())
        .containsExactly("erin refused approve", "alice refused decide");

    assertThat(runbooks.approve(run.workflowId(), "alice", "go").message()).contains("approved by alice");
    assertThat(Runs.report(runbooks.temporal().newUntypedWorkflowStub(run.workflowId())).outcome())
        .isEqualTo(Phase.SUCCEEDED);
  }

  @Test
  void unknownRunsAndInvalidRequestsSayWhatToDo() {
    assertThatThrownBy(() -> runbooks.status("rollback-nope"))
        .isInstanceOf(RunbookException.UnknownRun.class)
        .hasMessage("no run rollback-nope: check the ID with `runbook list`");
    assertThatThrownBy(() -> runbooks.approve("rollback-nope", "alice", null))
        .isInstanceOf(RunbookException.UnknownRun.class);
    EmergencyRollbackRequest bad = new EmergencyRollbackRequest(
        "api", Severity.P1, "", "erin", false, null, "v1 && reboot", false, null, null, null, null);
    assertThatThrownBy(() -> runbooks.start(bad))
        .isInstanceOf(RunbookException.InvalidRequest.class)
        .hasMessageContaining("reason is required")
        .hasMessageContaining("toVersion 'v1 && reboot' is not a valid version");
    assertThat(world.calls()).isEmpty();
  }

  /** Polls the run's status, moving the test clock a little each time, until {@code done} holds. */
  private RunStatus awaitStatus(String id, java.util.function.Predicate<RunStatus> done) {
    RunStatus s = null;
    for (int i = 0; i < 300; i++) {
      s = runbooks.status(id);
      if (done.test(s)) {
        return s;
      }
      testEnv.sleep(Duration.ofMillis(200));
    }
    throw new AssertionError("never got there; last status: " + s);
  }

  private static PendingActivity activityOf(RunStatus s, String step) {
    return s.steps().stream().filter(x -> x.id().equals(step)).findFirst()
        .map(StepStatus::pendingActivity).orElse(null);
  }

  @Test
  void aStepBeingRetriedShowsItsAttemptTheNextTryAndTheLastError() {
    world.fail("Service.deploy", FailureType.COMMAND_FAILED, 3);
    var run = runbooks.start(Runs.request(RunbookType.EMERGENCY, Severity.P0, false));

    RunStatus second = awaitStatus(run.workflowId(), s -> {
      PendingActivity p = activityOf(s, "deploy");
      return p != null && p.attempt() == 2 && p.waitingToRetry();
    });
    assertThat(second.phase()).isEqualTo(Phase.EXECUTING);
    assertThat(second.currentStep()).isEqualTo("deploy");
    PendingActivity p = activityOf(second, "deploy");
    assertThat(p.activity()).isEqualTo("ServiceDeploy");
    assertThat(p.workflowId()).isEqualTo(run.workflowId());
    assertThat(p.maximumAttempts()).isEqualTo(ActivityCatalog.SERVICE.getRetryOptions().getMaximumAttempts());
    assertThat(p.lastError()).isEqualTo("Service.deploy failed (api v1) [COMMAND_FAILED]");
    // SERVICE retries after 1 s, then 2 s: the test server's next try, worked out from the policy.
    assertThat(Duration.between(p.lastFailedAt(), p.nextAttemptAt())).isEqualTo(Duration.ofSeconds(1));

    RunStatus third = awaitStatus(run.workflowId(), s -> {
      PendingActivity q = activityOf(s, "deploy");
      return q != null && q.attempt() == 3 && q.waitingToRetry();
    });
    PendingActivity q = activityOf(third, "deploy");
    assertThat(Duration.between(q.lastFailedAt(), q.nextAttemptAt())).isEqualTo(Duration.ofSeconds(2));
    assertThat(Instant.ofEpochMilli(testEnv.currentTimeMillis())).isBefore(q.nextAttemptAt());

    RunStatus done = awaitStatus(run.workflowId(), s -> s.phase() == Phase.MONITORING);
    assertThat(activityOf(done, "deploy")).isNull();
    assertThat(world.calls("Service.deploy")).hasSize(4);
  }

  @Test
  void aFullRollbacksStepShowsTheActivityItsChildRunIsRetrying() {
    world.fail("Service.stop", FailureType.COMMAND_FAILED, 2);
    var run = runbooks.start(Runs.request(RunbookType.FULL, Severity.P0, false));

    RunStatus s = awaitStatus(run.workflowId(), x -> {
      PendingActivity p = activityOf(x, "stop-web");
      return p != null && p.attempt() >= 2;
    });
    PendingActivity p = activityOf(s, "stop-web");
    assertThat(p.activity()).isEqualTo("ServiceStop");
    assertThat(p.workflowId()).isEqualTo("rollback-web");
    assertThat(p.lastError()).contains("Service.stop failed (web)").contains("[COMMAND_FAILED]");

    assertThat(Runs.report(runbooks.temporal().newUntypedWorkflowStub(run.workflowId())).outcome())
        .isEqualTo(Phase.SUCCEEDED);
  }

  @Test
  void anActOnARunThatEndedSaysItEndedAndHow() {
    var run = runbooks.start(Runs.request(RunbookType.EMERGENCY, Severity.P1, false));
    awaitPhase(run.workflowId(), Phase.AWAITING_APPROVAL);
    runbooks.cancel(run.workflowId(), "erin", "false alarm");
    Runs.report(runbooks.temporal().newUntypedWorkflowStub(run.workflowId()));

    assertThatThrownBy(() -> runbooks.approve(run.workflowId(), "alice", null))
        .isInstanceOfSatisfying(RunbookException.Refused.class, r -> {
          assertThat(r.getMessage()).isEqualTo("the run has ended (cancelled): there is nothing left to act on");
          assertThat(r.exitCode()).isEqualTo(4);
          assertThat(r.httpStatus()).isEqualTo(409);
        });
  }

  @Test
  void anUnreachableTemporalIsNamedWithItsAddressTheCauseAndWhatToDo() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    var stubs = io.temporal.serviceclient.WorkflowServiceStubs.newServiceStubs(
        io.temporal.serviceclient.WorkflowServiceStubsOptions.newBuilder()
            .setTarget("127.0.0.1:" + closed)
            .setRpcRetryOptions(io.temporal.serviceclient.RpcRetryOptions.newBuilder()
                .setExpiration(Duration.ofMillis(500)).build())
            .setSystemInfoTimeout(Duration.ofMillis(500))
            .build());
    try {
      RunbookClient nowhere = new RunbookClient(WorkflowClient.newInstance(stubs), "runbook");
      assertThatThrownBy(() -> nowhere.status("rollback-api"))
          .isInstanceOfSatisfying(RunbookException.Unavailable.class, u -> {
            assertThat(u.getMessage())
                .startsWith("Temporal is not reachable at 127.0.0.1:" + closed + " (")
                .containsIgnoringCase("connection refused")
                .endsWith("): start it with `runbook dev` in another terminal, or check temporal.address in the"
                    + " configuration");
            assertThat(u.exitCode()).isEqualTo(6);
          });
    } finally {
      stubs.shutdownNow();
    }
  }

  @Test
  void aQueryNoWorkerCanAnswerSaysToStartOneNotTheServersWords() {
    // What the real server answers a query when no worker polled the queue lately (its matching
    // service); a status asked while every worker is down, or before a restarted one polls.
    var noPoller = new RuntimeException(new io.grpc.StatusRuntimeException(io.grpc.Status.FAILED_PRECONDITION
        .withDescription("no poller seen for task queue recently, worker may be down")));

    RunbookException e = runbooks.translate("rollback-api", noPoller);

    assertThat(e).isInstanceOf(RunbookException.Unavailable.class);
    assertThat(e.getMessage())
        .startsWith("no worker has polled task queue " + runbooks.taskQueue() + " on ")
        .endsWith(" lately, and only a worker can answer for rollback-api: start one (`runbook worker`, or"
            + " `runbook dev` for the embedded server) and ask again; the run itself is safe and goes on when a"
            + " worker starts")
        .doesNotContain("StatusRuntimeException", "FAILED_PRECONDITION");
    assertThat(e.exitCode()).isEqualTo(6);
  }

  @Test
  void theSummaryTemporalUiShowsNamesTheRun() {
    assertThat(RunbookClient.summary(Runs.request(RunbookType.EMERGENCY, Severity.P1, false)))
        .isEqualTo("P1 emergency rollback of api with database by erin");
    assertThat(RunbookClient.summary(Runs.request(RunbookType.FULL, Severity.P0, true)))
        .isEqualTo("DRY RUN: P0 full rollback of api, web in prod by erin");
  }
}
