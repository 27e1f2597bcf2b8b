package dev.runbook.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A step that does not heartbeat for longer than its heartbeat timeout (a slow JDBC call, a slow
 * probe) stays alive on a live worker, and keeps the progress it last reported.
 */
class KeepAliveTest {
  static final String QUEUE = "keepalive";
  static final List<Integer> attempts = new CopyOnWriteArrayList<>();

  @ActivityInterface
  public interface Slow {
    String work(long millis);
  }

  public static class SlowImpl implements Slow {
    @Override
    public String work(long millis) {
      attempts.add(Activity.getExecutionContext().getInfo().getAttempt());
      Activity.getExecutionContext().heartbeat("copied 3 of 9 tables");
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "done";
    }
  }

  @WorkflowInterface
  public interface Runs {
    @WorkflowMethod
    String run(long millis);
  }

  public static class RunsImpl implements Runs {
    @Override
    public String run(long millis) {
      return Workflow.newActivityStub(
              Slow.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(1))
                  .setHeartbeatTimeout(Duration.ofSeconds(1))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build())
          .work(millis);
    }
  }

  private TestWorkflowEnvironment env;
  private KeepAlive keepAlive;

  private WorkflowClient start(boolean withKeepAlive) {
    attempts.clear();
    keepAlive = new KeepAlive();
    WorkerFactoryOptions.Builder factory = WorkerFactoryOptions.newBuilder();
    if (withKeepAlive) {
      factory.setWorkerInterceptors(keepAlive);
    }
    env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).setWorkerFactoryOptions(factory.build()).build());
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(RunsImpl.class);
    worker.registerActivitiesImplementations(new SlowImpl());
    env.start();
    return env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
    keepAlive.close();
  }

  @Test
  void aStepSilentForThreeHeartbeatTimeoutsFinishesAtItsFirstAttempt() throws Exception {
    WorkflowClient client = start(true);
    Runs runs = client.newWorkflowStub(Runs.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build());
    WorkflowExecution execution = WorkflowClient.start(runs::run, 3000L);
    Thread.sleep(2000);
    PendingActivityInfo pending = client.getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace()).setExecution(execution).build())
        .getPendingActivities(0);
    assertThat(DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
            0, java.util.Optional.of(pending.getHeartbeatDetails()), String.class, String.class))
        .as("the progress the step reported, still shown while the worker keeps it alive")
        .isEqualTo("copied 3 of 9 tables");
    assertThat(client.newUntypedWorkflowStub(execution.getWorkflowId()).getResult(String.class)).isEqualTo("done");
    assertThat(attempts).containsExactly(1);
  }

  @Test
  void withoutItTheSameStepTimesOut() {
    WorkflowClient client = start(false);
    Runs runs = client.newWorkflowStub(Runs.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build());
    assertThatThrownBy(() -> runs.run(3000L))
        .isInstanceOf(WorkflowFailedException.class)
        .cause().isInstanceOf(ActivityFailure.class)
        .cause().isInstanceOf(TimeoutFailure.class);
  }
}
