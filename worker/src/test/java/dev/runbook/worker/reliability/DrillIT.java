package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.worker.demo.Demo;
import dev.runbook.workflows.DrillScheduleWorkflow;
import dev.runbook.workflows.DrillWorkflow;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.model.CronSchedule;
import dev.runbook.workflows.model.DrillBreak;
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
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  static final String ALERTMANAGER_TOKEN = "rb_alertmanager_" + UUID.randomUUID().toString().replace("-", "");
  static int apiPort;
  static Path breakScript;

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      apiPort = s.getLocalPort();
    }
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
      breakScript = writeBreakScript(shop);
      @SuppressWarnings("unchecked")
      List<Object> people = new ArrayList<>((List<Object>) tree.get("people"));
      people.add(Map.of("name", "alertmanager", "roles", List.of("on-call"), "tokenSha256", sha256(ALERTMANAGER_TOKEN)));
      tree.put("people", people);
      tree.put("api", Map.of("listen", "127.0.0.1:" + apiPort));
      // The command break the fifth test drills with: a pipeline's deploy of the broken build.
      tree.put("drills", Map.of(Demo.SERVICE, Map.of("runbook", "emergency",
          "break", Map.of("command", List.of("bash", breakScript.toString())),
          "detection", "alert", "detectionLimit", "2m", "sla", "3m")));
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
        DrillDetection.HEALTH_CHECK, Duration.ofSeconds(8), Duration.ofMinutes(3), null, "erin", "00000000");
    String scheduleId = WorkflowIds.forDrillSchedule(Demo.SERVICE);
    started.add(scheduleId);
    DrillScheduleWorkflow schedule = stack.connection.client().newWorkflowStub(DrillScheduleWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(scheduleId).setTaskQueue(QUEUE).build());
    WorkflowClient.start(schedule::run, new DrillSchedule(drill, new CronSchedule("* * * * *", null)));

    // It fires within the minute and its drill waits 8 s for a signal that never comes.
    await(() -> stack.logQuery("select count(*) from drills where requested_by = 'schedule' and outcome is not null")
        > before);
    String id = strings("select workflow_id from drills where requested_by = 'schedule' and outcome is not null"
        + " order by started_at desc limit 1").get(0);
    started.add(id);
    assertThat(id).startsWith("drill-shop-").isNotEqualTo("drill-shop-00000000");
    assertThat(stack.logQuery("select count(*) from drills where workflow_id = ? and outcome = 'not-detected'"
        + " and restored and rollback_workflow_id is null and time_to_rollback_ms is null"
        + " and message = 'drill of shop: v3-quiet not detected within 8s by the health check; shop restored to v2'",
        id)).isEqualTo(1);
    assertThat(version(Demo.SERVICE)).isEqualTo("v2");
    // No runbook ran for it: the only rollback of shop in the log is the first drill's.
    assertThat(stack.logQuery("select count(*) from runs where workflow_id = 'rollback-shop' and drill = ?", id))
        .isZero();
    await(() -> stack.webhook.kindsAbout(id).contains("DRILL_REPORT"));
    assertThat(stack.webhook.accepted()).filteredOn(m -> m.body().contains("\"workflowId\":\"" + id + "\""))
        .singleElement().satisfies(m -> assertThat(m.body()).contains("not detected within 8s"));
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

  @Test
  @Order(5)
  void aBreakCommandDeploysABrokenBuildAnAlertPostedToTheApiDetectsItAndStagingIsPutBack() throws Exception {
    Process serve = serve();
    try {
      DrillRequest request = new DrillRequest(RunbookType.EMERGENCY, Demo.SERVICE, null, null, null,
          DrillDetection.ALERT, Duration.ofMinutes(2), Duration.ofMinutes(3), null, "erin", tag(),
          DrillBreak.COMMAND, null);
      started.add(request.workflowId());
      DrillWorkflow w = stack.connection.client().newWorkflowStub(DrillWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(request.workflowId()).setTaskQueue(QUEUE).build());
      WorkflowClient.start(w::drill, request);
      WorkflowStub stub = stack.connection.client().newUntypedWorkflowStub(request.workflowId());
      await(() -> stub.query(DrillWorkflow.PROGRESS, String.class).startsWith("waiting for the Alertmanager alert"));
      // The command left the broken build running, outside the product, as a pipeline would.
      assertThat(version(Demo.SERVICE)).isEqualTo("v3-broken");
      assertThat(stack.services.health(new ServiceQuery(Demo.SERVICE, false)).healthy()).isFalse();

      HttpResponse<String> answer = postAlert("ShopDown", "f00d0001");
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).contains("\"outcome\":\"drill_detected\"")
          .contains("\"workflowId\":\"" + request.workflowId() + "\"");
      DrillReport r = stub.getResult(DrillReport.class);

      assertThat(r.outcome()).isEqualTo(DrillOutcome.ROLLED_BACK);
      assertThat(r.breakWith()).isEqualTo(DrillBreak.COMMAND);
      assertThat(r.breakDetail()).isEqualTo("ran bash " + breakScript);
      assertThat(r.detectedBy()).isEqualTo(DrillDetection.ALERT);
      assertThat(r.alert()).isEqualTo("ShopDown (fingerprint f00d0001)");
      assertThat(r.rollbackOutcome()).isEqualTo(Phase.SUCCEEDED);
      assertThat(r.restored()).isTrue();
      assertThat(version(Demo.SERVICE)).isEqualTo("v2");
      assertThat(stack.services.health(new ServiceQuery(Demo.SERVICE, false)).healthy()).isTrue();
      assertThat(java.nio.file.Files.readAllLines(dir.resolve("break.log"))).containsExactly(
          "broke shop for " + request.workflowId());
      assertThat(stack.logQuery("select count(*) from drills where workflow_id = ? and break_with = 'command'"
          + " and broken_at is not null and detected_by = 'alert' and outcome = 'rolled-back'", r.workflowId()))
          .isEqualTo(1);

      // The same alert again finds no drill waiting and, with no route for it, starts nothing.
      HttpResponse<String> again = postAlert("ShopDown", "f00d0001");
      assertThat(again.body()).contains("\"outcome\":\"no_route\"").doesNotContain("drill_detected");
    } finally {
      serve.destroyForcibly().waitFor();
    }
  }

  /** `runbook serve` on the stack's configuration, as its own process, once it answers. */
  private static Process serve() throws Exception {
    Path out = dir.resolve("serve.log");
    ProcessBuilder pb = new ProcessBuilder(dev.runbook.worker.support.ChildJvm.java(), "-Xmx256m", "-cp",
        dev.runbook.worker.support.ChildJvm.classpath(), "dev.runbook.worker.Main", "serve", "-c",
        stack.config.toString()).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(stack.env);
    Process p = pb.start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return p;
        }
      } catch (java.io.IOException notYet) {
        // still starting
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("runbook serve did not answer: " + java.nio.file.Files.readString(out));
      }
      Thread.sleep(300);
    }
  }

  private static HttpResponse<String> postAlert(String name, String fingerprint) throws Exception {
    String body = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\","
        + "\"labels\":{\"alertname\":\"" + name + "\",\"service\":\"shop\",\"env\":\"staging\"},"
        + "\"annotations\":{\"summary\":\"shop answers 503\"},\"fingerprint\":\"" + fingerprint + "\"}]}";
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + apiPort + "/api/v1/alerts/alertmanager"))
        .header("Authorization", "Bearer " + ALERTMANAGER_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A break command as a pipeline's deploy would be: it stops the staging shop the workers run and
   * starts the broken build in its place, recording the new process where the process adapter
   * looks for it.
   */
  @SuppressWarnings("unchecked")
  private static Path writeBreakScript(Map<String, Object> shop) {
    Map<String, Object> process = (Map<String, Object>) shop.get("process");
    StringBuilder argv = new StringBuilder();
    for (String a : (List<String>) process.get("argv")) {
      argv.append(" '").append(a.replace("{version}", "v3-broken").replace("{service}", Demo.SERVICE)
          .replace("'", "'\\''")).append('\'');
    }
    String port = ((String) shop.get("healthUrl")).replaceAll(".*:(\\d+)/.*", "$1");
    Path state = dir.resolve(".runbook").resolve(Demo.SERVICE);
    String script = "#!/bin/bash\nset -eu\n"
        + "old=$(cut -d' ' -f1 '" + state.resolve("pid") + "')\n"
        + "kill \"$old\"\nwhile kill -0 \"$old\" 2>/dev/null; do sleep 0.2; done\n"
        + "setsid" + argv + " >> '" + state.resolve("service.log") + "' 2>&1 < /dev/null &\n"
        + "echo \"$! -\" > '" + state.resolve("pid") + "'\n"
        + "for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/" + port + ") 2>/dev/null && break; sleep 0.2; done\n"
        + "echo \"broke $DRILL_SERVICE for $DRILL_ID\" >> '" + dir.resolve("break.log") + "'\n";
    Path file = dir.resolve("deploy-broken.sh");
    try {
      java.nio.file.Files.writeString(file, script);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file;
  }

  private static String sha256(String token) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
