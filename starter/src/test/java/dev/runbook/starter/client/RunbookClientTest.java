package dev.runbook.starter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
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

  @Test
  void theSummaryTemporalUiShowsNamesTheRun() {
    assertThat(RunbookClient.summary(Runs.request(RunbookType.EMERGENCY, Severity.P1, false)))
        .isEqualTo("P1 emergency rollback of api with database by erin");
    assertThat(RunbookClient.summary(Runs.request(RunbookType.FULL, Severity.P0, true)))
        .isEqualTo("DRY RUN: P0 full rollback of api, web in prod by erin");
  }
}
