package dev.runbook.worker.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.BackupImports;
import dev.runbook.starter.BackupJobs;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.DrillJobs;
import dev.runbook.starter.Releases;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.cli.CliContext;
import dev.runbook.starter.cli.RunbookCli;
import dev.runbook.starter.client.Drills;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.worker.catalog.Catalog;
import dev.runbook.worker.catalog.StartChecks;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.config.RunbookConfig;
import dev.runbook.workflows.model.WorkflowIds;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code runbook drill} through picocli, checked against a real configuration's catalog, on
 * Temporal's test server with no worker: a started drill stays open, so what started (and what
 * did not) is read from Temporal.
 */
class DrillStartTest {
  private static final String QUEUE = "runbook";
  private static final String CONFIG = """
      people:
        - {name: alice, roles: [oncall, engineering-lead, engineering-manager]}
        - {name: bob, roles: [oncall]}
      services:
        checkout: {adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/health"}
        checkout-staging: {kind: staging, adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/health"}
        web-staging: {kind: staging, adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/health"}
      slas:
        emergency: 10m
      drills:
        checkout-staging:
          runbook: emergency
          break: {version: v1.0.0-bad}
          detection: health-check
          detectionLimit: 5m
      """;

  record Result(int exit, String out, String err) {}

  private TestWorkflowEnvironment env;
  private WorkflowClient temporal;
  private RunbookClient runbooks;
  private Drills drills;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    temporal = env.getWorkflowClient();
    RunbookConfig config = ConfigLoader.parse(CONFIG, "runbook.yaml", Map.<String, String>of()::get);
    runbooks = new RunbookClient(temporal, QUEUE, StartChecks.of(Catalog.of(config, "f", "runbook.yaml"), null));
    drills = new Drills(runbooks, config.drillDefaults());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = RunbookCli.build(new Context(), Map.of());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private List<String> openWorkflows() {
    return temporal.getWorkflowServiceStubs().blockingStub().listOpenWorkflowExecutions(
            ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace(temporal.getOptions().getNamespace()).build())
        .getExecutionsList().stream().map(WorkflowExecutionInfo::getExecution).map(WorkflowExecution::getWorkflowId)
        .toList();
  }

  @Test
  void aGoodStartProducesADrillRunFilledFromTheConfiguredDrill() {
    Result r = run("drill", "emergency", "checkout-staging", "--as", "alice", "--approver", "bob");

    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    List<String> open = openWorkflows();
    assertThat(open).singleElement().satisfies(id -> assertThat(id).matches("drill-checkout-staging-[0-9a-f]{8}"));
    String id = open.get(0);
    assertThat(r.out()).contains("started " + id, "runbook drills show " + id, "/api/v1/drills/" + id + "/report");
    var status = temporal.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace(temporal.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id)).build())
        .getWorkflowExecutionInfo();
    assertThat(status.getType().getName()).isEqualTo("Drill");
    assertThat(status.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void theRequestTakesTheConfiguredDrillAndTheFlagsOverrideIt() {
    var merged = drills.request(new dev.runbook.starter.client.DrillStart("emergency", "checkout-staging", null, null,
        "error-rate", null, null, null), "alice", "0123abcd");
    assertThat(merged.badVersion()).isEqualTo("v1.0.0-bad");
    assertThat(merged.detectionLimit()).isEqualTo(Duration.ofMinutes(5));
    assertThat(merged.sla()).as("from slas.emergency").isEqualTo(Duration.ofMinutes(10));
    assertThat(merged.detection().label()).isEqualTo("error rate");
    assertThat(merged.requestedBy()).isEqualTo("alice");
  }

  @Test
  void aProductionTargetIsRefusedAndNothingStarts() {
    Result r = run("drill", "emergency", "checkout", "--as", "alice", "--bad-version", "v1-bad",
        "--detection", "health-check", "--limit", "5m", "--sla", "10m");

    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("nothing was started", "drills never touch production", "service checkout");
    assertThat(openWorkflows()).isEmpty();
  }

  @Test
  void anUnknownTargetIsRefusedAndNothingStarts() {
    Result r = run("drill", "emergency", "nowhere", "--as", "alice", "--bad-version", "v1-bad",
        "--detection", "health-check", "--limit", "5m", "--sla", "10m");

    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("nothing was started", "target: 'nowhere' is neither a service nor an environment");
    assertThat(openWorkflows()).isEmpty();
  }

  @Test
  void aRunningRollbackOfTheTargetIsRefused() {
    // A real rollback of the target, as the emergency runbook's start would hold it (no worker runs it here).
    String rollback = WorkflowIds.forService("checkout-staging");
    temporal.newUntypedWorkflowStub("EmergencyRollback",
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(rollback).build()).start("outage");

    Result r = run("drill", "emergency", "checkout-staging", "--as", "alice");

    assertThat(r.exit()).isEqualTo(4);
    assertThat(r.err()).contains("nothing was started: a rollback of checkout-staging is running (" + rollback + ")");
    assertThat(openWorkflows()).containsExactly(rollback);
  }

  @Test
  void theSameStartTwiceIsRefusedWhileTheFirstRuns() {
    Result first = run("drill", "emergency", "checkout-staging", "--as", "alice");
    Result second = run("drill", "emergency", "checkout-staging", "--as", "alice");

    assertThat(first.exit()).isZero();
    assertThat(second.exit()).isEqualTo(4);
    List<String> open = openWorkflows();
    assertThat(open).hasSize(1);
    assertThat(second.err()).contains("nothing was started: a drill of checkout-staging is already running (" + open.get(0) + ")");
  }

  @Test
  void anApproverWhoIsTheRequesterIsRefused() {
    Result r = run("drill", "emergency", "checkout-staging", "--as", "alice", "--approver", "alice");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("nobody approves their own run");
    assertThat(openWorkflows()).isEmpty();
  }

  /**
   * The CLI's context: the drills and the client are real; the drill commands read nothing else,
   * and a call to any other part fails the test naming it.
   */
  private final class Context implements CliContext {
    @Override
    public RunbookClient client() {
      return runbooks;
    }

    @Override
    public DrillJobs drillJobs() {
      return drills;
    }

    @Override
    public RollbackLog log() {
      throw unused("log");
    }

    @Override
    public dev.runbook.starter.DrillLog drills() {
      throw unused("drills");
    }

    @Override
    public dev.runbook.starter.IncidentReports reports() {
      throw unused("reports");
    }

    @Override
    public Releases releases() {
      throw unused("releases");
    }

    @Override
    public BackupList backups() {
      throw unused("backups");
    }

    @Override
    public BackupImports imports() {
      throw unused("imports");
    }

    @Override
    public BackupJobs jobs() {
      throw unused("jobs");
    }

    @Override
    public dev.runbook.starter.Checklists checklists() {
      throw unused("checklists");
    }

    @Override
    public Map<String, Environment> environments() {
      return Map.of();
    }

    private AssertionError unused(String part) {
      return new AssertionError("the drill commands are not expected to use the CLI context's " + part + "()");
    }
  }
}
