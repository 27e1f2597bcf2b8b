package dev.runbook.workflows.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The open executions against Temporal's test server: no worker runs the workflows here, so a
 * started one stays open until it is terminated.
 */
class OpenExecutionsTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private void start(String type, String id) {
    client.newUntypedWorkflowStub(type, WorkflowOptions.newBuilder().setTaskQueue("q").setWorkflowId(id).build())
        .start();
  }

  @Test
  void findsTheOpenOnesByWorkflowId() {
    start("DatabaseSchedule", "schedule-shop");
    start("DatabaseSchedule", "schedule-billing");
    start("DrillSchedule", "schedule-lookalike");
    start("DatabaseSchedule", "other-shop");

    assertThat(OpenExecutions.all(client, "DatabaseSchedule", id -> id.startsWith("schedule-")))
        .containsExactlyInAnyOrder("schedule-shop", "schedule-billing");
    assertThat(OpenExecutions.first(client, id -> id.endsWith("-shop"))).isPresent()
        .get().isIn("schedule-shop", "other-shop");
    assertThat(OpenExecutions.first(client, id -> id.equals("schedule-lookalike"))).contains("schedule-lookalike");
    assertThat(OpenExecutions.first(client, id -> id.startsWith("drill-"))).isEmpty();
  }

  @Test
  void aClosedExecutionIsNotOpen() {
    start("DatabaseSchedule", "schedule-shop");
    client.newUntypedWorkflowStub("schedule-shop").terminate("done");

    assertThat(OpenExecutions.all(client, "DatabaseSchedule", id -> true)).isEmpty();
    assertThat(OpenExecutions.first(client, id -> true)).isEmpty();
  }
}
