package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.client.RunbookClient;
import dev.runbook.worker.support.RealTemporal;
import dev.runbook.worker.temporal.TemporalConnection;
import dev.runbook.worker.temporal.WorkerRuntime;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeWorld;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker stopped gracefully (what SIGTERM does) while a step runs and heartbeats: the step
 * finishes on that worker, once, and the run goes on with the next steps on the other worker. On
 * the real server, which moves the run's next workflow task off the stopped worker.
 */
class GracefulStopIT {
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

  /** A deploy that takes {@code seconds}, heartbeating as the real adapters do; records how each attempt went. */
  static final class SlowDeploy extends WorkerInterceptorBase {
    final String worker;
    final List<String> attempts;
    final CountDownLatch started = new CountDownLatch(1);

    SlowDeploy(String worker, List<String> attempts) {
      this.worker = worker;
      this.attempts = attempts;
    }

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
      return new ActivityInboundCallsInterceptorBase(next) {
        private ActivityExecutionContext context;

        @Override
        public void init(ActivityExecutionContext context) {
          this.context = context;
          super.init(context);
        }

        @Override
        public ActivityOutput execute(ActivityInput input) {
          if (!context.getInfo().getActivityType().equals("ServiceDeploy")) {
            return super.execute(input);
          }
          int attempt = context.getInfo().getAttempt();
          started.countDown();
          try {
            for (int i = 0; i < 15; i++) {
              context.heartbeat(i);
              Thread.sleep(200);
            }
          } catch (ActivityCompletionException e) {
            attempts.add(worker + " attempt " + attempt + " cut short: " + e.getClass().getSimpleName());
            throw e;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          attempts.add(worker + " attempt " + attempt + " finished");
          return super.execute(input);
        }
      };
    }
  }

  @Test
  void aRunningStepFinishesOnTheStoppingWorkerAndTheRunGoesOnOnTheOther() throws Exception {
    FakeWorld world = new FakeWorld();
    List<String> attempts = new CopyOnWriteArrayList<>();
    SlowDeploy onFirst = new SlowDeploy("first", attempts);
    SlowDeploy onSecond = new SlowDeploy("second", attempts);
    String queue = "graceful-" + System.nanoTime();
    Duration grace = Duration.ofSeconds(20);
    try (TemporalConnection conn = TemporalConnection.connect(temporal.address(), "default", null)) {
      WorkerRuntime first = WorkerRuntime.start(conn.client(), queue, 4, grace, "first", List.<WorkerInterceptor>of(onFirst),
          world.activities());
      RunbookClient client = new RunbookClient(conn.client(), queue);
      client.start(new EmergencyRollbackRequest("web", Severity.P0, "errors after w2", FakeWorld.REQUESTER, false,
          null, null, false, null, null, Duration.ZERO, null));
      assertThat(onFirst.started.await(30, TimeUnit.SECONDS)).as("the deploy started on the first worker").isTrue();

      try (WorkerRuntime second = WorkerRuntime.start(conn.client(), queue, 4, grace, "second",
          List.<WorkerInterceptor>of(onSecond), world.activities())) {
        long t0 = System.nanoTime();
        assertThat(first.runningActivities()).isEqualTo(1);
        first.close();
        long stopMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(client.watch("rollback-web", Duration.ofMillis(200), s -> {}).phase()).isEqualTo(Phase.SUCCEEDED);
        System.out.printf("[graceful stop] the running deploy finished on the stopping worker; stop took %d ms;"
            + " attempts: %s%n", stopMs, attempts);
        assertThat(attempts).containsExactly("first attempt 1 finished");
        assertThat(stopMs).as("the stop waited for the step, not for the whole grace").isLessThan(grace.toMillis());
        assertThat(world.calls("Service.deploy")).hasSize(1);
        assertThat(world.services.get("web").version).isEqualTo("w1");
      }
    } finally {
      try (TemporalConnection conn = TemporalConnection.connect(temporal.address(), "default", null)) {
        conn.client().newUntypedWorkflowStub("rollback-web").terminate("test over");
      } catch (RuntimeException alreadyEnded) {
        // Nothing to end.
      }
    }
  }
}
