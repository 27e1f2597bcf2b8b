package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.worker.demo.Demo;
import dev.runbook.workflows.DrillScheduleWorkflow;
import dev.runbook.workflows.DrillWorkflow;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.model.CronSchedule;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillReport.DrillOutcome;
import dev.runbook.workflows.model.DrillReport.StepTime;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.DrillSchedule;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollback drills on the real Temporal server, with the product's worker in a process of its own
 * and the sample service as real processes of kind staging: a release named bad answers its health
 * check with 503, and "slowshop" takes seconds to start, as a slow service does. A drill detects
 * the break by the failing health check, runs the real emergency runbook with its drill approver,
 * restores staging and reports; a slow rollback is reported over its SLA and the team is told; a
 * drill fired by a real every-minute schedule whose break nothing detects ends "not detected
 * within" its limit with staging restored; a worker killed right after a drill's break is
 * replaced and the drill goes on to its report.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillIT {
  private static final String SLOW = "slowshop";
  private static final String QUEUE = "runbook";

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path dir;
  static Stack stack;
  static Stack.Worker worker;
  static final List<String> started = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    int slowPort;
    try (ServerSocket s = new ServerSocket(0)) {
      slowPort = s.getLocalPort();
    }
    int port = slowPort;
    stack = Stack.create(dir, tree -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> services = new LinkedHashMap<>((Map<String, Object>) tree.get("services"));
      @SuppressWarnings("unchecked")
      Map<String, Object> shop = staging((Map<String, Object>) services.get(Demo.SERVICE), null, "5s");
      services.put(Demo.SERVICE, shop);
      services.put(SLOW, staging(shop, port, "15s"));
      tree.put("services", services);
    });
    stack.resetShop();
    deploy(SLOW, "v1");
    deploy(SLOW, "v2");
    worker = stack.startWorker("none");
  }

  /**
   * The sample service as a staging one whose "v3-broken" is a bad release; with a port, a copy
   * of it on that port that waits 4 s before it listens.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> staging(Map<String, Object> service, Integer port, String startTimeout) {
    Map<String, Object> s = new LinkedHashMap<>(service);
    Map<String, Object> process = new LinkedHashMap<>((Map<String, Object>) s.get("process"));
    List<String> argv = new ArrayList<>((List<String>) process.get("argv"));
    if (port != null) {
      String old = argv.get(argv.indexOf("--port") + 1);
      argv.set(argv.indexOf("--port") + 1, Integer.toString(port));
      argv.addAll(List.of("--start-delay-ms", "4000"));
      s.put("healthUrl", ((String) s.get("healthUrl")).replace(":" + old + "/", ":" + port + "/"));
      s.put("versionUrl", ((String) s.get("versionUrl")).replace(":" + old + "/", ":" + port + "/"));
    } else {
      argv.addAll(List.of("--bad-versions", "v3-broken"));
    }
    if (!argv.contains("--bad-versions")) {
      argv.addAll(List.of("--bad-versions", "v3-broken"));
    }
    process.put("argv", argv);
    process.put("startTimeout", startTimeout);
    s.put("process", process);
    s.put("kind", "staging");
    return s;
  }

  private static void deploy(String service, String version) {
    stack.services.deploy(new DeployRequest(service, version, "setup/" + UUID.randomUUID() + "/" + version, false));
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      for (String id : started) {
        Stack.endRun(stack, id);
      }
      ServiceActivitiesImpl services = stack.services;
      services.stop(new dev.runbook.workflows.activities.ServiceActivities.ServiceAction(SLOW,
          "close/" + UUID.randomUUID(), false));
      stack.close();
    }
  }

  private static DrillReport drill(DrillRequest request) {
    started.add(request.workflowId());
    DrillWorkflow w = stack.connection.client().newWorkflowStub(DrillWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(request.workflowId()).setTaskQueue(QUEUE).build());
    return w.drill(request);
  }

  private static String tag() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  private static String version(String service) {
    return stack.services.captureEvidence(new ServiceQuery(service, false)).currentVersion();
  }

  @Test
  @Order(1)
  void aDrillDetectsTheBreakByItsHealthCheckRollsBackWithinItsSlaAndRestoresStaging() throws Exception {
    DrillRequest request = new DrillRequest(RunbookType.EMERGENCY, Demo.SERVICE, "v3-broken",
        DrillDetection.HEALTH_CHECK, Duration.ofMinutes(2), Duration.ofMinutes(3), "alice", "erin", tag());
    DrillReport r = drill(request);

    assertThat(r.workflowId()).isEqualTo("drill-shop-" + request.tag());
    assertThat(r.target()).isEqualTo(Demo.SERVICE);
    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.brokenWith()).isEqualTo("v3-broken");
    assertThat(r.before()).isEqualTo("v2");
    assertThat(r.detectedBy()).isEqualTo(DrillDetection.HEALTH_CHECK);
    // Read right after the break was deployed: the first reading sees it.
    assertThat(r.timeToDetect()).isPositive().isLessThan(Duration.ofSeconds(15));
    assertThat(r.rollbackWorkflowId()).isEqualTo(WorkflowIds.forService(Demo.SERVICE));
    assertThat(r.rollbackOutcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(r.approval()).isEqualTo("P1: approved by the drill approver alice");
    assertThat(r.manualInterventions()).isZero();
    assertThat(r.sla()).isEqualTo(Duration.ofMinutes(3));
    assertThat(r.slaMet()).isTrue();
    assertThat(r.timeToRollBack()).isGreaterThan(Duration.ofSeconds(10)).isLessThan(Duration.ofMinutes(3));
    assertThat(r.slaDifference()).isEqualTo(Duration.ofMinutes(3).minus(r.timeToRollBack()));
    assertThat(r.steps()).extracting(StepTime::id).contains("approval", "deploy", "verify");
    assertThat(r.steps()).allSatisfy(s -> assertThat(s.took()).isGreaterThanOrEqualTo(Duration.ZERO));
    StepTime approval = r.steps().stream().filter(s -> s.id().equals("approval")).findFirst().orElseThrow();
    assertThat(approval.state()).isEqualTo(StepState.SUCCEEDED);
    assertThat(approval.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(r.restored()).isTrue();
    assertThat(version(Demo.SERVICE)).isEqualTo("v2");
    assertThat(stack.services.health(new ServiceQuery(Demo.SERVICE, false)).healthy()).isTrue();

    // The drills table holds the report; the runbook's row in the rollback log is marked a drill.
    assertThat(stack.logQuery("select count(*) from drills where workflow_id = ? and outcome = 'rolled-back'"
        + " and sla_met and restored and detected_by = 'health-check' and rollback_workflow_id = 'rollback-shop'"
        + " and time_to_rollback_ms = ? and manual_interventions = 0 and report is not null",
        r.workflowId(), r.timeToRollBack().toMillis())).isEqualTo(1);
    assertThat(stack.logQuery("select count(*) from runs where workflow_id = 'rollback-shop' and drill = ?"
        + " and outcome = 'succeeded' and reason like 'DRILL %'", r.workflowId())).isEqualTo(1);
    // The team heard the runbook's messages, marked, then the drill's report.
    await(() -> stack.webhook.kindsAbout(r.workflowId()).contains("DRILL_REPORT"));
    assertThat(stack.webhook.kindsAbout(r.workflowId())).containsExactly("DRILL_REPORT");
    assertThat(stack.webhook.accepted()).filteredOn(m -> m.body().contains("\"workflowId\":\"rollback-shop\""))
        .isNotEmpty().allSatisfy(m -> assertThat(m.body()).contains("[DRILL]"));
  }

  @Test
  @Order(2)
  void aSlowRollbackIsReportedOverItsSlaByHowMuchAndTheTeamIsTold() throws Exception {
    DrillRequest request = new DrillRequest(RunbookType.EMERGENCY, SLOW, "v3-broken",
        DrillDetection.HEALTH_CHECK, Duration.ofMinutes(2), Duration.ofSeconds(3), null, "erin", tag());
    DrillReport r = drill(request);

    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.approval()).isEqualTo("P0: no approval asked");
    assertThat(r.rollbackOutcome()).isEqualTo(Phase.SUCCEEDED);
    // slowshop takes 4 s to listen after its start: the rollback cannot be done in 3.
    assertThat(r.timeToRollBack()).isGreaterThan(Duration.ofSeconds(4));
    assertThat(r.slaMet()).isFalse();
    assertThat(r.slaDifference()).isEqualTo(r.timeToRollBack().minus(Duration.ofSeconds(3)));
    StepTime deploy = r.steps().stream().filter(s -> s.id().equals("deploy")).findFirst().orElseThrow();
    assertThat(deploy.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    assertThat(r.verdict()).startsWith("SLA MISSED by " + dev.runbook.workflows.policy.Durations.human(r.slaDifference()));
    assertThat(r.restored()).isTrue();
    assertThat(version(SLOW)).isEqualTo("v2");

    await(() -> stack.webhook.kindsAbout(r.workflowId()).contains("DRILL_REPORT"));
    assertThat(stack.webhook.accepted()).filteredOn(m -> m.body().contains("\"workflowId\":\"" + r.workflowId() + "\""))
        .singleElement().satisfies(m -> assertThat(m.body()).contains("SLA MISSED by"));
    assertThat(stack.logQuery("select count(*) from drills where workflow_id = ? and not sla_met"
        + " and sla_difference_ms = ?", r.workflowId(), r.slaDifference().toMillis())).isEqualTo(1);
  }

  @Test
  @Order(3)
  void aScheduledDrillFiresOnTheRealServerAndABreakNothingDetectsEndsNotDetectedWithStagingRestored()
      throws Exception {
    long before = stack.logQuery("select count(*) from drills where requested_by = 'schedule'");
    // v3-quiet is a release no signal can tell from a good one.
    DrillRequest drill = new DrillRequest(RunbookType.EMERGENCY, Demo.SERVICE, "v3-quiet",
        DrillDetection.HEALTH_CHECK, Duration.ofSeconds(20), Duration.ofMinutes(3), null, "erin", "00000000");
    String scheduleId = WorkflowIds.forDrillSchedule(Demo.SERVICE);
    started.add(scheduleId);
    DrillScheduleWorkflow schedule = stack.connection.client().newWorkflowStub(DrillScheduleWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(scheduleId).setTaskQueue(QUEUE).build());
    WorkflowClient.start(schedule::run, new DrillSchedule(drill, new CronSchedule("* * * * *", null)));

    // It fires within the minute and its drill waits 20 s for a signal that never comes.
    await(() -> stack.logQuery("select count(*) from drills where requested_by = 'schedule' and outcome is not null")
        > before);
    String id = strings("select workflow_id from drills where requested_by = 'schedule' and outcome is not null"
        + " order by started_at desc limit 1").get(0);
    started.add(id);
    assertThat(id).startsWith("drill-shop-").isNotEqualTo("drill-shop-00000000");
    assertThat(stack.logQuery("select count(*) from drills where workflow_id = ? and outcome = 'not-detected'"
        + " and restored and rollback_workflow_id is null and time_to_rollback_ms is null"
        + " and message = 'drill of shop: v3-quiet not detected within 20s by the health check; shop restored to v2'",
        id)).isEqualTo(1);
    assertThat(version(Demo.SERVICE)).isEqualTo("v2");
    // No runbook ran for it: the only rollback of shop in the log is the first drill's.
    assertThat(stack.logQuery("select count(*) from runs where workflow_id = 'rollback-shop' and drill = ?", id))
        .isZero();
    await(() -> stack.webhook.kindsAbout(id).contains("DRILL_REPORT"));
    assertThat(stack.webhook.accepted()).filteredOn(m -> m.body().contains("\"workflowId\":\"" + id + "\""))
        .singleElement().satisfies(m -> assertThat(m.body()).contains("not detected within 20s"));
  }

  @Test
  @Order(4)
  void aWorkerKilledRightAfterTheBreakIsReplacedAndTheDrillStillRollsBackAndRestoresStagingOnce()
      throws Exception {
    worker.stop();
    Stack.Worker crashing = stack.startWorker("after:ServiceDeploy:1");
    DrillRequest request = new DrillRequest(RunbookType.EMERGENCY, Demo.SERVICE, "v3-broken",
        DrillDetection.HEALTH_CHECK, Duration.ofMinutes(2), Duration.ofMinutes(3), null, "erin", tag());
    started.add(request.workflowId());
    DrillWorkflow w = stack.connection.client().newWorkflowStub(DrillWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId()).setTaskQueue(QUEUE)
        // A task held by the dead worker moves to the new one quickly.
        .setWorkflowTaskTimeout(Duration.ofSeconds(2)).build());
    WorkflowClient.start(w::drill, request);
    assertThat(crashing.awaitExit(Duration.ofSeconds(90))).as("the worker killed itself after the break").isTrue();
    assertThat(crashing.output()).contains("SIGKILL");
    worker = stack.startWorker("none");

    DrillReport r = stack.connection.client().newUntypedWorkflowStub(request.workflowId())
        .getResult(DrillReport.class);
    assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
    assertThat(r.before()).isEqualTo("v2");
    assertThat(r.rollbackOutcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(r.restored()).isTrue();
    assertThat(version(Demo.SERVICE)).isEqualTo("v2");
    assertThat(stack.logQuery("select count(*) from drills where workflow_id = ? and outcome = 'rolled-back'",
        r.workflowId())).isEqualTo(1);
    await(() -> stack.webhook.kindsAbout(r.workflowId()).contains("DRILL_REPORT"));
    assertThat(stack.webhook.kindsAbout(r.workflowId())).containsExactly("DRILL_REPORT");
  }

  private static List<String> strings(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (var c = stack.logDb.getConnection(); var rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static void await(Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 150 s; worker output:\n" + worker.output());
      }
      Thread.sleep(500);
    }
  }
}
