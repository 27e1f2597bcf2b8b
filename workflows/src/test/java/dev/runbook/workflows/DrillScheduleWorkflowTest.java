package dev.runbook.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.model.CronSchedule;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.DrillSchedule;
import dev.runbook.workflows.model.DrillScheduleStatus;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.WorkflowIds;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A monthly drill on the test server's clock: it fires at its cron time as a run of its own. */
class DrillScheduleWorkflowTest extends WorkflowTest {

  private DrillScheduleStatus status() {
    return client.newUntypedWorkflowStub(WorkflowIds.forDrillSchedule("api"))
        .query(DrillScheduleWorkflow.QUERY, DrillScheduleStatus.class);
  }

  @Test
  void theScheduleStartsTheDrillWhenItsCronExpressionFiresAndRemembersWhatItFound() {
    world.services.get("api").broken.add("v3-bad");
    DrillRequest drill = new DrillRequest(RunbookType.EMERGENCY, "api", "v3-bad", DrillDetection.HEALTH_CHECK,
        Duration.ofMinutes(5), Duration.ofMinutes(10), null, "erin", "00000000");
    CronSchedule monthly = CronSchedule.utc("0 10 1 * *");
    Instant started = Instant.ofEpochMilli(testEnv.currentTimeMillis());
    DrillScheduleWorkflow w = client.newWorkflowStub(DrillScheduleWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(queue).setWorkflowId(WorkflowIds.forDrillSchedule("api")).build());
    WorkflowExecution first = WorkflowClient.start(w::run, new DrillSchedule(drill, monthly));
    Runs.recordRun(client, first.getWorkflowId(), first.getRunId());

    DrillScheduleStatus waiting = status();
    assertThat(waiting.target()).isEqualTo("api");
    assertThat(waiting.schedule()).isEqualTo("0 10 1 * * (UTC)");
    assertThat(waiting.next()).isEqualTo(monthly.next(started));
    assertThat(waiting.last()).isNull();
    assertThat(world.calls("Service.deploy")).isEmpty();

    // A day at a time, up to the first of next month and a little more.
    for (int i = 0; i < 33 && status().last() == null; i++) {
      testEnv.sleep(Duration.ofDays(1));
    }
    DrillScheduleStatus after = status();
    assertThat(after.last()).isNotNull();
    assertThat(after.last().workflowId()).startsWith("drill-api-").isNotEqualTo("drill-api-00000000");
    assertThat(after.last().startedAt()).isBetween(waiting.next(), waiting.next().plusSeconds(1));
    assertThat(after.last().outcome()).isEqualTo("rolled-back");
    assertThat(after.last().slaMet()).isTrue();
    // The next firing is a month on.
    assertThat(after.next()).isEqualTo(monthly.next(waiting.next()));
    assertThat(world.calls("Service.deploy")).containsExactly(
        "Service.deploy api v3-bad", "Service.deploy api v2", "Service.deploy api v2");
    assertThat(world.services.get("api").version).isEqualTo("v2");
  }
}
