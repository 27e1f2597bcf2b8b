package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.client.RunbookClient;
import dev.runbook.worker.support.ChildJvm.Result;
import dev.runbook.worker.support.RealTemporal;
import dev.runbook.worker.temporal.TemporalConnection;
import dev.runbook.worker.temporal.WorkerRuntime;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.PendingActivity;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeWorld;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries as the real Temporal server reports them, where the Java test server differs: the
 * server gives the next try's time, and sends the retry policy with each task, so the worker's
 * log line can say what comes next.
 */
class RealServerRetriesIT {
  private static final io.temporal.common.RetryOptions SERVICE =
      dev.runbook.workflows.engine.ActivityCatalog.SERVICE.getRetryOptions();
  private static final io.temporal.common.RetryOptions QUICK =
      dev.runbook.workflows.engine.ActivityCatalog.QUICK.getRetryOptions();

  @TempDir static Path dir;
  static RealTemporal temporal;

  @BeforeAll
  static void startServer() {
    temporal = RealTemporal.start(dir);
  }

  @AfterAll
  static void stopServer() {
    if (temporal != null) {
      temporal.close();
    }
  }

  @Test
  void statusShowsTheAttemptTheServersNextTryAndTheLastError() throws Exception {
    FakeWorld world = new FakeWorld();
    world.fail("Service.deploy", FailureType.COMMAND_FAILED, 2);
    String queue = "retries-" + System.nanoTime();
    try (TemporalConnection conn = TemporalConnection.connect(temporal.address(), "default", null);
        WorkerRuntime worker = WorkerRuntime.start(conn.client(), queue, 4, Duration.ofSeconds(1), world.activities())) {
      RunbookClient client = new RunbookClient(conn.client(), queue);
      client.start(new EmergencyRollbackRequest("web", Severity.P0, "errors after w2", FakeWorld.REQUESTER, false,
          null, null, false, null, null, Duration.ZERO, null));

      PendingActivity p = null;
      for (int i = 0; i < 150 && (p == null || !p.waitingToRetry()); i++) {
        RunStatus s = client.status("rollback-web");
        p = s.steps().stream().filter(x -> x.id().equals("deploy")).findFirst()
            .map(x -> x.pendingActivity()).orElse(null);
        Thread.sleep(100);
      }
      assertThat(p).isNotNull();
      assertThat(p.waitingToRetry()).as(p.toString()).isTrue();
      assertThat(p.activity()).isEqualTo("ServiceDeploy");
      assertThat(p.attempt()).isIn(2, 3);
      assertThat(p.maximumAttempts()).isEqualTo(SERVICE.getMaximumAttempts());
      assertThat(p.lastError()).isEqualTo("Service.deploy failed (web w1) [COMMAND_FAILED]");
      // From the server's own schedule: the first interval after the first failure, twice it after the second.
      Duration backoff = SERVICE.getInitialInterval().multipliedBy(p.attempt() == 2 ? 1 : 2);
      assertThat(Duration.between(p.lastFailedAt(), p.nextAttemptAt())).as(p.toString())
          .isBetween(backoff, backoff.plusMillis(200));

      assertThat(client.watch("rollback-web", Duration.ofMillis(200), s -> {}).phase()).isEqualTo(Phase.SUCCEEDED);
      assertThat(world.calls("Service.deploy")).hasSize(3);
    } finally {
      endIfOpen("rollback-web");
    }
  }

  /** A run a failed test left open would hold its service for the next test. */
  private static void endIfOpen(String workflowId) {
    try (TemporalConnection conn = TemporalConnection.connect(temporal.address(), "default", null)) {
      conn.client().newUntypedWorkflowStub(workflowId).terminate("test over");
    } catch (RuntimeException alreadyEnded) {
      // Nothing to end.
    }
  }

  @Test
  void theWorkersLogLineSaysWhatComesNextWhenTheServerSentTheRetryPolicy() {
    Result r = ActivityFailureLogIT.worker(Map.of(), temporal.address());

    assertThat(r.err().lines().filter(l -> l.contains("ActivityFailureLog")).toList()).as(r.err()).contains(
        line("ServiceDeploy failed for rollback-api (attempt 1 of " + SERVICE.getMaximumAttempts() + "): Service.deploy failed (api v1) [COMMAND_FAILED];"
            + " Temporal tries again", r),
        line("ServiceDeploy failed for rollback-api (attempt 2 of " + SERVICE.getMaximumAttempts() + "): Service.deploy failed (api v1) [COMMAND_FAILED];"
            + " Temporal tries again", r),
        line("ServiceResolveTarget failed for rollback-web (attempt 1 of " + QUICK.getMaximumAttempts() + "): unknown version w9 [UNKNOWN_VERSION];"
            + " not retried: UNKNOWN_VERSION is permanent", r));
    assertThat(r.err().lines()).noneMatch(l -> l.matches("^\\s+at .*"));
  }

  /** The log line that ends with {@code text}, as printed (with its time and level). */
  private static String line(String text, Result r) {
    return r.err().lines().filter(l -> l.endsWith(text)).findFirst().orElse("(no line ending with: " + text + ")");
  }
}
