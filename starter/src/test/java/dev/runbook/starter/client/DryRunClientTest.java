package dev.runbook.starter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dry runs hold nothing, through the client the CLI and the API use: a dry run takes an ID of its
 * own, never blocks a real run nor is blocked by one, runs beside other dry runs of the same
 * service, and one that cannot finish ends at once instead of holding anything.
 */
class DryRunClientTest {
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

  private RunReport result(String workflowId) {
    return Runs.report(runbooks.temporal().newUntypedWorkflowStub(workflowId));
  }

  /** A P0 emergency rollback of api with no monitoring: it runs to its end at once. */
  private static EmergencyRollbackRequest p0() {
    return new EmergencyRollbackRequest("api", Severity.P0, "checkout is down", FakeWorld.REQUESTER,
        false, null, null, false, null, null, Duration.ZERO, null);
  }

  @Test
  void aDryRunThatCannotFinishEndsAtOnceAndARealP0ForTheSameServiceStartsAtOnce() {
    world.fail("Service.resolveTarget", FailureType.NOT_SUPPORTED, 1);
    Runbooks.Started dry = runbooks.start(Runs.request(RunbookType.EMERGENCY, Severity.P1, true));
    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.workflowId()).matches("dryrun-api-[0-9a-f]{8}");

    RunReport plan = result(dry.workflowId());
    assertThat(plan.outcome()).isEqualTo(Phase.PLAN_INCOMPLETE);
    assertThat(plan.message()).startsWith("dry run stopped at resolve-target: ")
        .contains("planned so far: capture-evidence");
    assertThat(world.audit()).extracting(e -> e.type()).doesNotContain(AuditEventType.DECISION_REQUESTED);

    Runbooks.Started p0 = runbooks.start(p0());
    assertThat(p0.workflowId()).isEqualTo("rollback-api");
    assertThat(p0.dryRun()).isFalse();
    assertThat(result(p0.workflowId()).outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.services.get("api").version).isEqualTo("v1");
  }

  @Test
  void twoDryRunsOfOneServiceRunAtOnceBesideARealRunThatHoldsIt() {
    Runbooks.Started real = runbooks.start(Runs.request(RunbookType.EMERGENCY, Severity.P1, false));
    Runs.awaitPhase(testEnv, runbooks.temporal().newUntypedWorkflowStub(real.workflowId()), Phase.AWAITING_APPROVAL);

    // The first dry run is held (its first rollback-log write, which its end waits for) while the
    // others start and run to their end.
    FakeWorld.Hold held = world.hold("Audit.record", AuditEventType.RUN_STARTED.name());
    try {
      Runbooks.Started first = runbooks.start(Runs.request(RunbookType.EMERGENCY, Severity.P1, true));
      held.awaitEntered();
      Runbooks.Started second = runbooks.start(Runs.request(RunbookType.EMERGENCY, Severity.P0, true));
      Runbooks.Started database = runbooks.start(Runs.request(RunbookType.DATABASE, Severity.P0, true));
      Runbooks.Started full = runbooks.start(Runs.request(RunbookType.FULL, Severity.P0, true));

      List<String> ids = List.of(first.workflowId(), second.workflowId(), database.workflowId(), full.workflowId());
      assertThat(ids).doesNotHaveDuplicates().doesNotContain("rollback-api", "rollback-full-prod");
      for (String id : ids.subList(1, ids.size())) {
        RunReport r = result(id);
        assertThat(r.outcome()).as(id).isEqualTo(Phase.SUCCEEDED);
        assertThat(r.message()).as(id).startsWith("dry run: nothing was changed");
      }
      assertThat(runbooks.temporal().newUntypedWorkflowStub(first.workflowId()).describe().getStatus())
          .as("the first is still open: its end waits for the held write")
          .isEqualTo(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
      held.release();
      assertThat(result(first.workflowId()).outcome()).isEqualTo(Phase.SUCCEEDED);
    } finally {
      held.release();
    }

    assertThat(runbooks.status(real.workflowId()).phase()).isEqualTo(Phase.AWAITING_APPROVAL);
    assertThat(world.mutations()).isZero();
    // The real run still holds its service against another real run.
    assertThatThrownBy(() -> runbooks.start(Runs.request(RunbookType.DATABASE, Severity.P0, false)))
        .isInstanceOfSatisfying(RunbookException.Conflict.class,
            c -> assertThat(c.runningWorkflowId()).isEqualTo("rollback-api"));
  }

  @Test
  void aRealP0StartsAndFinishesWhileADryRunOfTheSameServiceIsInFlight() {
    FakeWorld.Hold held = world.hold("Audit.record", AuditEventType.RUN_STARTED.name());
    try {
      Runbooks.Started dry = runbooks.start(Runs.request(RunbookType.EMERGENCY, Severity.P1, true));
      held.awaitEntered();

      Runbooks.Started p0 = runbooks.start(p0());
      assertThat(result(p0.workflowId()).outcome()).isEqualTo(Phase.SUCCEEDED);
      assertThat(world.services.get("api").version).isEqualTo("v1");

      held.release();
      assertThat(result(dry.workflowId()).outcome()).isEqualTo(Phase.SUCCEEDED);
    } finally {
      held.release();
    }
  }
}
