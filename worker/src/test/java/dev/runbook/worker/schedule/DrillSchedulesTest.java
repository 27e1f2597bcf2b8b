package dev.runbook.worker.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.worker.catalog.Catalog;
import dev.runbook.worker.catalog.StartChecks;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.config.RunbookConfig;
import dev.runbook.workflows.model.CronSchedule;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.DrillSchedule;
import dev.runbook.workflows.model.RunbookType;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The drill schedules against Temporal's test server: no worker runs them here, so a started one
 * stays open, and what the reconciliation did is read from Temporal itself.
 */
class DrillSchedulesTest {
  private static final String QUEUE = "runbook";
  private static final String CONFIG = """
      people:
        - {name: alice, roles: [oncall, engineering-lead, engineering-manager]}
      services:
        checkout: {adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/health"}
        checkout-staging: {kind: staging, adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/health"}
      drills:
        checkout-staging:
          runbook: emergency
          break: {version: v1.0.0-bad}
          detection: health-check
          detectionLimit: 5m
          sla: 10m
          schedule: "0 10 1 * *"
      """;

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private DrillSchedules schedules;
  private RunbookConfig config;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    client = env.getWorkflowClient();
    config = ConfigLoader.parse(CONFIG, "runbook.yaml", Map.<String, String>of()::get);
    StartChecks checks = StartChecks.of(Catalog.of(config, "f", "runbook.yaml"), null);
    schedules = new DrillSchedules(client, QUEUE, "runbook.yaml", checks::drillTargetProblems);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private Optional<WorkflowExecutionStatus> status(String id) {
    try {
      return Optional.of(client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
              .build()).getWorkflowExecutionInfo().getStatus());
    } catch (StatusRuntimeException notFound) {
      return Optional.empty();
    }
  }

  @Test
  void startsLeavesAloneReplacesAndStops() {
    Map<String, DrillSchedule> wanted = config.drillSchedules();

    var first = schedules.reconcile(wanted);
    assertThat(first.started()).containsExactly("checkout-staging");
    assertThat(status("drills-checkout-staging")).contains(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(first.lines(wanted)).containsExactly("drill schedule of checkout-staging started: "
        + wanted.get("checkout-staging").schedule().describe());

    for (int i = 0; i < 2; i++) {
      var again = schedules.reconcile(wanted);
      assertThat(again.unchanged()).as("a restart leaves a matching schedule alone").containsExactly("checkout-staging");
      assertThat(again.started()).isEmpty();
      assertThat(again.replaced()).isEmpty();
      assertThat(again.stopped()).isEmpty();
    }

    DrillSchedule monthly = wanted.get("checkout-staging");
    DrillSchedule weekly = new DrillSchedule(monthly.drill(), CronSchedule.utc("0 10 * * 1"));
    assertThat(schedules.reconcile(Map.of("checkout-staging", weekly)).replaced()).containsExactly("checkout-staging");
    assertThat(schedules.reconcile(Map.of("checkout-staging", weekly)).unchanged()).containsExactly("checkout-staging");

    var removed = schedules.reconcile(Map.of());
    assertThat(removed.stopped()).containsExactly("checkout-staging");
    assertThat(status("drills-checkout-staging")).contains(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void aProductionTargetNeverGetsASchedule() {
    DrillRequest production = new DrillRequest(RunbookType.EMERGENCY, "checkout", "v1.0.0-bad",
        DrillDetection.HEALTH_CHECK, Duration.ofMinutes(5), Duration.ofMinutes(10), null, null, null);
    Map<String, DrillSchedule> wanted = Map.of("checkout", new DrillSchedule(production, CronSchedule.utc("0 10 1 * *")));

    var outcome = schedules.reconcile(wanted);

    assertThat(outcome.started()).isEmpty();
    assertThat(outcome.refused()).containsKey("checkout");
    assertThat(status("drills-checkout")).as("nothing started for production").isEmpty();
    assertThat(outcome.lines(wanted)).singleElement().satisfies(l -> assertThat(l)
        .startsWith("warning: drill schedule of checkout not started: target: drills never touch production"));
  }
}
