package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.worker.demo.Demo;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production persistence: the Temporal server on PostgreSQL, its schema set up by its own SQL
 * tool (as docker-compose.yml does it), killed with SIGKILL while a run waits for approval.
 */
class PostgresPersistenceIT {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void aServerOnPostgresKilledWhileARunWaitsComesBackWithTheRun() throws Exception {
    try (Stack stack = Stack.create(dir, true, tree -> {})) {
      stack.resetShop();
      Stack.Worker worker = stack.startWorker("none");
      var run = stack.runbooks.start(new EmergencyRollbackRequest(Demo.SERVICE, Severity.P1, "server on postgres",
          "erin", false, null, null, true, null, null, Duration.ZERO, null));
      awaitPhase(stack, run.workflowId(), Phase.AWAITING_APPROVAL);

      Instant killed = Instant.now();
      stack.temporal.kill9();
      Duration restart = stack.temporal.startAgain();
      awaitPhase(stack, run.workflowId(), Phase.AWAITING_APPROVAL);
      Duration back = Duration.between(killed, Instant.now());
      stack.runbooks.approve(run.workflowId(), "alice", "after the restart");
      RunStatus end = awaitPhase(stack, run.workflowId(), Phase.SUCCEEDED);
      worker.stop();

      assertThat(end.outcomeMessage()).isEqualTo("rolled back from v2 to v1");
      assertThat(Demo.serviceVersion(stack.servicePort)).contains("\"v1\"");
      assertThat(stack.shopQuery("select max(version::int) from flyway_schema_history where success")).isEqualTo(2);
      assertThat(stack.logQuery("select count(*) from runs where run_id = ? and outcome = 'succeeded'", run.runId())).isEqualTo(1);
      Figures.record("Temporal on PostgreSQL killed while a run waits for approval",
          "restart " + restart.toMillis() + " ms, run answering again after " + back.toMillis() + " ms, run succeeded");
    }
  }

  static RunStatus awaitPhase(Stack stack, String id, Phase phase) throws InterruptedException {
    RunStatus last = null;
    for (int i = 0; i < 600; i++) {
      try {
        last = stack.runbooks.status(id);
        if (last.phase() == phase) {
          return last;
        }
        assertThat(last.phase().terminal()).as("ended early: " + last.outcomeMessage()).isFalse();
      } catch (RuntimeException serverComingBack) {
        // Ask again.
      }
      Thread.sleep(200);
    }
    throw new AssertionError("never reached " + phase + "; last " + (last == null ? null : last.phase()));
  }
}
