package dev.runbook.bench.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.util.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskClockTest {
  @Test
  void sumsEachQueuesWorkflowTasksAndTheServersAnswersUntilTaken() throws Exception {
    TaskClock clock = new TaskClock();
    try (Scope root = new RootScopeBuilder().reporter(clock).reportEvery(Duration.ofSeconds(60))) {
      Scope runbooks = root.tagged(Map.of("task_queue", "runbooks"));
      Scope bare = root.tagged(Map.of("task_queue", "bare"));
      runbooks.timer(TaskClock.EXECUTION).record(Duration.ofMillis(8));
      runbooks.timer(TaskClock.EXECUTION).record(Duration.ofMillis(2));
      runbooks.tagged(Map.of("operation", TaskClock.RESPOND)).timer(TaskClock.REQUEST).record(Duration.ofMillis(5));
      runbooks.tagged(Map.of("operation", "PollWorkflowTaskQueue")).timer(TaskClock.REQUEST)
          .record(Duration.ofSeconds(30));
      runbooks.timer("temporal_activity_execution_latency").record(Duration.ofMillis(100));
      bare.timer(TaskClock.EXECUTION).record(Duration.ofMillis(3));

      assertThat(clock.take("runbooks")).isEqualTo(new TaskClock.Parts(10_000_000, 5_000_000, 2));
      assertThat(clock.take("runbooks")).as("taken once").isEqualTo(new TaskClock.Parts(0, 0, 0));
      assertThat(clock.take("bare")).isEqualTo(new TaskClock.Parts(3_000_000, 0, 1));
      assertThat(clock.take("nobody")).isEqualTo(new TaskClock.Parts(0, 0, 0));
    }
  }
}
