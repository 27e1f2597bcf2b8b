package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runbook.workflows.DatabaseScheduleWorkflow;
import dev.runbook.workflows.model.ScheduleStatus;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled backups on the real Temporal server, with the product's worker in a process of its
 * own: a database whose schedule says every minute gets its backup run within the minute, in the
 * rollback log and the catalog of backups; one that cannot be reached fails, and the team hears of
 * each failed run exactly once. Then the worker is restarted on a changed configuration: the
 * changed schedule is replaced, the one of a database no longer configured is stopped, and a
 * restart that changes nothing leaves the schedule as it was.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScheduledBackupsIT {
  private static final Duration FIRING = Duration.ofSeconds(100);

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path dir;
  static Stack stack;

  @BeforeAll
  static void start() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    stack = Stack.create(dir, tree -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> shop = new LinkedHashMap<>((Map<String, Object>) ((Map<String, Object>) tree.get("databases")).get("shop"));
      shop.put("backup", Map.of("schedule", "* * * * *"));
      Map<String, Object> nowhere = new LinkedHashMap<>(shop);
      nowhere.remove("migrations");
      nowhere.remove("schemaVersions");
      nowhere.remove("integrityChecks");
      nowhere.put("host", "127.0.0.1");
      nowhere.put("port", closed);
      nowhere.put("database", "nowhere");
      Map<String, Object> databases = new LinkedHashMap<>();
      databases.put("shop", shop);
      databases.put("nowhere", nowhere);
      tree.put("databases", databases);
    });
    stack.resetShop();
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      Stack.endRun(stack, "schedule-shop");
      Stack.endRun(stack, "schedule-nowhere");
      stack.close();
    }
  }

  @Test
  @Order(1)
  void aScheduleFiresOnTheRealServerEachRunIsInTheLogAndAFailedOneTellsTheTeamOnce() throws Exception {
    Stack.Worker worker = stack.startWorker("none");
    await(() -> worker.output().contains("schedule of nowhere started"));
    assertThat(worker.output())
        .contains("schedule of shop started: backup * * * * * (UTC), cleanup 15 4 * * * (UTC)")
        .contains("schedule of nowhere started: backup * * * * * (UTC), cleanup 15 4 * * * (UTC)");

    await(() -> stack.logQuery("select count(*) from runs where runbook = 'backup' and services = '{shop}'"
        + " and outcome = 'succeeded' and requested_by = 'schedule'") >= 1);
    await(() -> stack.logQuery("select count(*) from runs where runbook = 'backup' and services = '{nowhere}'"
        + " and outcome = 'failed'") >= 1);

    assertThat(stack.logQuery("select count(*) from backups b join runs r on r.workflow_id = b.workflow_id"
        + " where b.database = 'shop' and b.verified and r.runbook = 'backup'")).isPositive();
    assertThat(stack.backupDir("shop").toFile().list()).anySatisfy(f -> assertThat(f).startsWith("backup-shop-"));
    for (String run : strings("select workflow_id from runs where services = '{nowhere}' and outcome = 'failed'")) {
      assertThat(stack.webhook.kindsAbout(run)).as(run).containsExactly("FAILED");
    }
    assertThat(stack.webhook.kindsAbout("backup-shop-")).isEmpty();
    worker.stop();
  }

  @Test
  @Order(2)
  void aChangedScheduleIsReplacedARemovedOneStoppedAndAnUnchangedOneLeftAsItIs() throws Exception {
    String before = describe("schedule-shop").getExecution().getRunId();
    YAMLMapper yaml = new YAMLMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = yaml.readValue(stack.config.toFile(), LinkedHashMap.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> databases = (Map<String, Object>) tree.get("databases");
    databases.remove("nowhere");
    @SuppressWarnings("unchecked")
    Map<String, Object> shop = (Map<String, Object>) databases.get("shop");
    shop.put("backup", Map.of("schedule", "0 3 * * *", "timezone", "Europe/Berlin"));
    yaml.writeValue(stack.config.toFile(), tree);

    Stack.Worker changed = stack.startWorker("none");
    await(() -> changed.output().contains("schedule of nowhere stopped"));
    assertThat(changed.output())
        .contains("schedule of shop replaced (changed): backup 0 3 * * * (Europe/Berlin), cleanup 15 4 * * * (UTC)")
        .contains("schedule of nowhere stopped: the database is no longer configured");
    assertThat(describe("schedule-nowhere").getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    WorkflowExecutionInfo replaced = describe("schedule-shop");
    assertThat(replaced.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(replaced.getExecution().getRunId()).isNotEqualTo(before);
    ScheduleStatus now = stack.connection.client().newUntypedWorkflowStub("schedule-shop")
        .query(DatabaseScheduleWorkflow.QUERY, ScheduleStatus.class);
    assertThat(now.backup()).isEqualTo("0 3 * * * (Europe/Berlin)");
    assertThat(now.nextBackup()).isEqualTo(new dev.runbook.workflows.model.CronSchedule("0 3 * * *", "Europe/Berlin")
        .next(Instant.now().minusSeconds(60)));
    changed.stop();

    Stack.Worker same = stack.startWorker("none");
    await(() -> same.output().contains("schedule of shop running"));
    assertThat(same.output()).contains("schedule of shop running: backup 0 3 * * * (Europe/Berlin)")
        .doesNotContain("nowhere");
    assertThat(describe("schedule-shop").getExecution().getRunId()).isEqualTo(replaced.getExecution().getRunId());
    same.stop();
  }

  private static WorkflowExecutionInfo describe(String id) {
    var client = stack.connection.client();
    return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
            .build())
        .getWorkflowExecutionInfo();
  }

  private static List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = stack.logDb.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static void await(Callable<Boolean> done) throws Exception {
    Instant end = Instant.now().plus(FIRING);
    while (!done.call()) {
      assertThat(Instant.now()).as("within " + FIRING).isBefore(end);
      Thread.sleep(500);
    }
  }
}
