package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.database.DatabaseActivitiesImpl;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.Webhook;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RestoreStrategy;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults around a run: a flapping health check, a webhook that fails, a restore that fails for good. */
class FaultsIT {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path dir;
  static Stack stack;
  static Path unhealthyFlag;
  static Stack.Worker worker;

  @BeforeAll
  static void start() throws Exception {
    unhealthyFlag = dir.resolve("shop-unhealthy");
    stack = Stack.create(dir, tree -> {
      @SuppressWarnings("unchecked")
      var shop = (Map<String, Object>) ((Map<String, Object>) tree.get("services")).get(Demo.SERVICE);
      @SuppressWarnings("unchecked")
      var process = (Map<String, Object>) shop.get("process");
      @SuppressWarnings("unchecked")
      List<String> argv = new ArrayList<>((List<String>) process.get("argv"));
      argv.addAll(List.of("--unhealthy-file", unhealthyFlag.toString()));
      process.put("argv", argv);
      shop.put("verifyTimeout", "60s");
    });
    worker = stack.startWorker("none");
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @org.junit.jupiter.api.AfterEach
  void endLeftovers() {
    Stack.endRun(stack, "rollback-shop");
  }

  private static RunStatus awaitStatus(String id, java.util.function.Predicate<RunStatus> condition, Duration timeout)
      throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    RunStatus last = null;
    while (Instant.now().isBefore(end)) {
      last = stack.runbooks.status(id);
      if (condition.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("condition not met in " + timeout + "; last: " + (last == null ? null : last.phase() + " " + last.steps()));
  }

  @Test
  void aHealthCheckThatFlapsDuringVerificationIsRiddenOut() throws Exception {
    stack.resetShop();
    AtomicBoolean flapping = new AtomicBoolean(true);
    Thread flapper = new Thread(() -> {
      try {
        for (int i = 0; flapping.get() && i < 12; i++) {
          Files.writeString(unhealthyFlag, "flap");
          Thread.sleep(700);
          Files.deleteIfExists(unhealthyFlag);
          Thread.sleep(700);
        }
      } catch (Exception stopped) {
        // The test ends the flapping.
      }
    });
    var run = stack.runbooks.start(new EmergencyRollbackRequest(Demo.SERVICE, Severity.P0, "flapping health",
        "erin", false, null, null, false, null, null, Duration.ZERO, null));
    flapper.start();
    RunStatus end = awaitStatus(run.workflowId(), s -> s.phase().terminal(), Duration.ofMinutes(3));
    flapping.set(false);
    flapper.join();
    Files.deleteIfExists(unhealthyFlag);

    assertThat(end.phase()).as(end.outcomeMessage()).isEqualTo(Phase.SUCCEEDED);
    assertThat(Demo.serviceVersion(stack.servicePort)).contains("\"v1\"");
    Figures.record("health check flapping every 0.7 s during the rollback", "run succeeded (" + end.outcomeMessage() + ")");
  }

  @Test
  void aWebhookThatAnswers500TwiceThen200GetsTheMessageOnce() throws Exception {
    stack.resetShop();
    int before = stack.webhook.accepted().size();
    int requestsBefore = stack.webhook.requests();
    stack.webhook.failNext(2);
    var run = stack.runbooks.start(new EmergencyRollbackRequest(Demo.SERVICE, Severity.P0, "webhook flaky",
        "erin", false, null, null, false, null, null, Duration.ZERO, null));
    RunStatus end = awaitStatus(run.workflowId(), s -> s.phase().terminal(), Duration.ofMinutes(3));

    assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
    List<Webhook.Message> started = stack.webhook.accepted().subList(before, stack.webhook.accepted().size()).stream()
        .filter(m -> m.idempotencyKey().endsWith("-started")).toList();
    assertThat(started).hasSize(1);
    assertThat(stack.webhook.requests() - requestsBefore).isGreaterThanOrEqualTo(
        stack.webhook.accepted().size() - before + 2);
    Figures.record("webhook answering 500 twice then 200",
        "the STARTED message arrived once after " + (stack.webhook.requests() - requestsBefore - (stack.webhook.accepted().size() - before) + 1)
            + " attempts; run succeeded");
  }

  @Test
  void aRestoreThatFailsForGoodIsCompensatedWithTheSafetyBackup() throws Exception {
    stack.resetShop();
    DatabaseActivitiesImpl databases = new DatabaseActivitiesImpl(stack.settings.databases(),
        dir.resolve(".runbook").resolve("backups"), stack.config.getParent(), Clock.systemUTC(),
        new dev.runbook.activities.database.BackupCatalog(stack.logDb));
    String good = databases.backup(new BackupRequest(Demo.SERVICE, "fixture/" + Instant.now().toEpochMilli(), false)).backupId();
    stack.shopQuery("select 1");
    try (var c = stack.pg.connect(Demo.SHOP_DB); var st = c.createStatement()) {
      st.execute("update orders set status = 'refunded' where id <= 10");
    }

    var run = stack.runbooks.start(new DatabaseRollbackRequest(Demo.SERVICE, null, Severity.P1, "restore yesterday",
        "erin", false, null, DatabaseMode.RESTORE, RestoreStrategy.IN_PLACE, null, null, good, null, null, null));
    awaitStatus(run.workflowId(), s -> s.phase() == Phase.AWAITING_APPROVAL, Duration.ofMinutes(2));
    // The backup breaks after it was checked: its table of contents is gone.
    try (Stream<Path> files = Files.walk(stack.backupDir(Demo.SERVICE).resolve(good))) {
      files.filter(p -> p.getFileName().toString().equals("toc.dat")).forEach(p -> p.toFile().delete());
    }
    stack.runbooks.approve(run.workflowId(), "alice", "go");
    RunStatus blocked = awaitStatus(run.workflowId(), s -> s.phase() == Phase.NEEDS_DECISION, Duration.ofMinutes(4));
    assertThat(blocked.pendingDecision().step()).isEqualTo("restore");
    assertThat(blocked.pendingDecision().options()).contains(DecisionAction.COMPENSATE);

    stack.runbooks.decide(run.workflowId(), DecisionAction.COMPENSATE, "alice", "bring the safety copy back");
    RunStatus end = awaitStatus(run.workflowId(), s -> s.phase().terminal(), Duration.ofMinutes(3));

    assertThat(end.phase()).as(end.outcomeMessage()).isEqualTo(Phase.COMPENSATED);
    assertThat(stack.shopQuery("select count(*) from orders where status = 'refunded'")).as("today's writes are back").isEqualTo(10);
    assertThat(stack.shopQuery("select max(version::int) from flyway_schema_history where success")).isEqualTo(3);
    assertThat(Demo.serviceVersion(stack.servicePort)).contains("\"version\"");
    Figures.record("restore failing for good", "needs-decision on restore, compensate restored the safety backup (writes since the backup kept), service running again");
  }
}
