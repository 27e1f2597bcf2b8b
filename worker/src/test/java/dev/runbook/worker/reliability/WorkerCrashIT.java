package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.Webhook;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker, a separate OS process, is killed with SIGKILL at every other step boundary of a run, and
 * after steps did their work but before Temporal heard of it. A new worker starts each time. The
 * run completes, and every side effect happened exactly once.
 */
class WorkerCrashIT {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path dir;
  static Stack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = Stack.create(dir, tree -> {});
  }

  /** No worker from an earlier test may take the next run's first steps. */
  @org.junit.jupiter.api.BeforeEach
  void stopSurvivor() throws InterruptedException {
    if (survivor != null) {
      survivor.stop();
      survivor = null;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  private static EmergencyRollbackRequest emergency(String reason) {
    return new EmergencyRollbackRequest(Demo.SERVICE, Severity.P0, reason, "erin", false, null,
        null, true, null, null, Duration.ZERO, null);
  }

  /**
   * A kill at every other rollback-log write between steps (the 1st, 3rd...): each kill costs a
   * worker start and a recovery, and killing at every one made this the longest suite in CI.
   */
  private static final String EVERY_OTHER_BOUNDARY = "boundary:AuditRecord:2";

  /** The worker still running when the last run ended: it answers the status queries. */
  private static Stack.Worker survivor;

  /** Starts workers with the crash point until the run ends; returns the kill times. */
  private static List<Instant> killUntilDone(String runId, IntFunction<String> crashPoint) throws Exception {
    Stack.Crashes crashes = stack.crashUntilDone(runId, crashPoint);
    survivor = crashes.survivor();
    return crashes.kills();
  }


  /** For each kill, how long until a new worker completed a workflow task of the run. */
  private static List<Duration> recoveries(String workflowId, List<Instant> kills) {
    List<Instant> progress = stack.connection.client().fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
            || e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
        .map(WorkerCrashIT::time).toList();
    List<Duration> out = new ArrayList<>();
    for (Instant k : kills) {
      progress.stream().filter(t -> t.isAfter(k)).findFirst().ifPresent(t -> out.add(Duration.between(k, t)));
    }
    return out;
  }

  private static Instant time(HistoryEvent e) {
    return Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
  }

  /** Every side effect of one emergency rollback with its database, exactly once. */
  private static void assertExactlyOnce(String workflowId, String runId, int webhookBefore) throws Exception {
    RunStatus s = stack.statusOnceAWorkerPolls(workflowId);
    assertThat(s.phase()).as(s.outcomeMessage()).isEqualTo(Phase.SUCCEEDED);
    // the database: reverted to 2 once (a second revert would have failed or gone to 1), data intact
    assertThat(stack.shopQuery("select max(version::int) from flyway_schema_history where success")).isEqualTo(2);
    assertThat(stack.shopQuery("select count(*) from orders where price > 0")).isEqualTo(5000);
    // one backup for the run
    try (Stream<Path> backups = Files.list(stack.backupDir(Demo.SERVICE))) {
      assertThat(backups.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && n.contains(tag(runId))))
          .as("backups of this run").hasSize(1);
    }
    // the service runs v1
    assertThat(Demo.serviceVersion(stack.servicePort)).contains("\"v1\"");
    // each message arrived once
    List<Webhook.Message> messages = stack.webhook.accepted().subList(webhookBefore, stack.webhook.accepted().size());
    Map<String, Long> perKey = messages.stream().collect(Collectors.groupingBy(Webhook.Message::idempotencyKey, Collectors.counting()));
    assertThat(perKey).isNotEmpty().allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
    assertThat(perKey.keySet()).anySatisfy(k -> assertThat(k).endsWith("-started"))
        .anySatisfy(k -> assertThat(k).endsWith("-resolved"));
    // the rollback log: one run, its events without gaps or duplicates
    assertThat(stack.logQuery("select count(*) from runs where run_id = ?", runId)).isEqualTo(1);
    assertThat(stack.logQuery("select count(*) from runs where run_id = ? and outcome = 'succeeded'", runId)).isEqualTo(1);
    long events = stack.logQuery("select count(*) from run_events where run_id = ?", runId);
    assertThat(stack.logQuery("select max(seq) from run_events where run_id = ?", runId)).isEqualTo(events);
  }

  @Test
  void killedAtEveryOtherStepBoundaryTheRunCompletesWithEverySideEffectOnce() throws Exception {
    stack.resetShop();
    int before = stack.webhook.accepted().size();
    var started = stack.runbooks.start(emergency("killed at every other step boundary"));

    List<Instant> kills = killUntilDone(started.runId(), i -> EVERY_OTHER_BOUNDARY);
    List<Duration> recovery = recoveries(started.workflowId(), kills);
    Figures.record("emergency rollback with database, worker killed at every other step boundary",
        kills.size() + " kills, recovery " + Figures.summary(recovery) + " " + recovery);

    assertExactlyOnce(started.workflowId(), started.runId(), before);
    // A kill at every other rollback-log write: the end of a step is written behind the run, by a
    // new write unless one is in flight, so there are fewer writes than steps (11 of 17 in CI).
    assertThat(kills).as("a kill at every other log write between steps").hasSizeGreaterThanOrEqualTo(4);
  }

  /**
   * Approves as alice once the run waits for it, whichever worker is alive, and stops as soon as
   * the approval is recorded (a worker may die after recording it, before answering).
   */
  private static Thread approver(String workflowId) {
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          RunStatus s = stack.runbooks.status(workflowId);
          boolean approved = s.steps().stream().anyMatch(x -> x.id().equals("approval")
              && x.state() == dev.runbook.workflows.model.StepState.SUCCEEDED);
          if (approved || s.phase().terminal()) {
            return;
          }
          if (s.phase() == Phase.AWAITING_APPROVAL) {
            stack.runbooks.approve(workflowId, "alice", "approved while workers die");
          }
        } catch (RuntimeException noWorkerYet) {
          // Ask again once a worker is up.
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException stop) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void aStagedRestoreKilledAtEveryOtherStepBoundaryCompletesWithOneSwap() throws Exception {
    stack.resetShop();
    var databases = new dev.runbook.activities.database.DatabaseActivitiesImpl(stack.settings.databases(),
        dir.resolve(".runbook").resolve("backups"), stack.config.getParent(), java.time.Clock.systemUTC(),
        new dev.runbook.activities.database.BackupCatalog(stack.logDb));
    String good = databases.backup(new dev.runbook.workflows.activities.DatabaseActivities.BackupRequest(
        Demo.SERVICE, "fixture/" + Instant.now().toEpochMilli(), false)).backupId();
    try (var c = stack.pg.connect(Demo.SHOP_DB); var st = c.createStatement()) {
      st.execute("update orders set status = 'lost' where id <= 100");
    }
    int before = stack.webhook.accepted().size();
    List<String> copiesBefore = shopCopies();
    var started = stack.runbooks.start(new dev.runbook.workflows.model.DatabaseRollbackRequest(Demo.SERVICE, null,
        Severity.P0, "restore under crashes", "erin", false, null, dev.runbook.workflows.model.DatabaseMode.RESTORE,
        null, null, null, good, null, null, null));
    Thread approving = approver(started.workflowId());

    List<Instant> kills = killUntilDone(started.runId(), i -> EVERY_OTHER_BOUNDARY);
    approving.interrupt();
    List<Duration> recovery = recoveries(started.workflowId(), kills);
    Figures.record("database restore (staged swap), worker killed at every other step boundary",
        kills.size() + " kills, recovery " + Figures.summary(recovery));

    RunStatus s = stack.statusOnceAWorkerPolls(started.workflowId());
    assertThat(s.phase()).as(s.outcomeMessage()).isEqualTo(Phase.SUCCEEDED);
    assertThat(stack.shopQuery("select count(*) from orders where status = 'lost'")).as("the backup is live").isZero();
    assertThat(stack.shopQuery("select max(version::int) from flyway_schema_history where success")).isEqualTo(3);
    // Other tests on this server may have left copies of the sample database: only this run's count.
    List<String> made = new java.util.ArrayList<>(shopCopies());
    made.removeAll(copiesBefore);
    assertThat(made).as("one safety copy, no staging copy left")
        .containsExactly(Demo.SHOP_DB + "__before_" + tag(started.runId()));
    assertMessagesOnce(before);
    assertLoggedOnce(started.runId());
    assertThat(kills).as("a kill at every other log write between steps").hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void aFullRollbackKilledAtEveryOtherStepBoundaryCompletesWithEverySideEffectOnce() throws Exception {
    stack.resetShop();
    int before = stack.webhook.accepted().size();
    var started = stack.runbooks.start(new dev.runbook.workflows.model.FullRollbackRequest("demo",
        List.of(Demo.SERVICE), List.of(Demo.SERVICE), Severity.P0, "full under crashes", "erin", false, null,
        null, Map.of(Demo.SERVICE, "2"), null));

    List<Instant> kills = killUntilDone(started.runId(), i -> EVERY_OTHER_BOUNDARY);
    List<Duration> recovery = recoveries(started.workflowId(), kills);
    Figures.record("full rollback (service and database), worker killed at every other step boundary",
        kills.size() + " kills, recovery " + Figures.summary(recovery));

    RunStatus s = stack.statusOnceAWorkerPolls(started.workflowId());
    assertThat(s.phase()).as(s.outcomeMessage()).isEqualTo(Phase.SUCCEEDED);
    assertThat(Demo.serviceVersion(stack.servicePort)).contains("\"v1\"");
    assertThat(stack.shopQuery("select max(version::int) from flyway_schema_history where success")).isEqualTo(2);
    assertThat(stack.shopQuery("select count(*) from orders where price > 0")).isEqualTo(5000);
    try (Stream<Path> backups = Files.list(stack.backupDir(Demo.SERVICE))) {
      assertThat(backups.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".") && n.contains(tag(started.runId())))).hasSize(1);
    }
    assertMessagesOnce(before);
    assertLoggedOnce(started.runId());
    assertThat(kills).as("a kill at every other log write between steps").hasSizeGreaterThanOrEqualTo(4);
  }

  /**
   * Each message once, but for one that goes behind the run (asking for approval, and the
   * approval): a kill at a step boundary can fall while it is on its way, after the receiver took
   * it and before the delivery log heard, so the retry sends it again, with the same key and body
   * for the receiver to drop (the webhook's contract). Anything else twice, or a repeat that
   * differs, is a second message.
   */
  private static void assertMessagesOnce(int webhookBefore) {
    List<Webhook.Message> messages = stack.webhook.accepted().subList(webhookBefore, stack.webhook.accepted().size());
    Map<String, List<String>> bodies = messages.stream().collect(Collectors.groupingBy(Webhook.Message::idempotencyKey,
        java.util.LinkedHashMap::new, Collectors.mapping(Webhook.Message::body, Collectors.toList())));
    assertThat(bodies).isNotEmpty().allSatisfy((key, sent) -> {
      if (key.endsWith("-approval_requested") || key.endsWith("-approved")) {
        assertThat(sent).as(key + ": a repeat is the same message").containsOnly(sent.get(0));
      } else {
        assertThat(sent).as(key).hasSize(1);
      }
    });
  }

  private static void assertLoggedOnce(String runId) throws Exception {
    assertThat(stack.logQuery("select count(*) from runs where run_id = ? and outcome = 'succeeded'", runId)).isEqualTo(1);
    assertThat(stack.logQuery("select max(seq) - count(*) from run_events where run_id = ?", runId)).isZero();
  }

  @Test
  void killedAfterEachSideEffectBeforeItWasReportedNothingHappensTwice() throws Exception {
    stack.resetShop();
    int before = stack.webhook.accepted().size();
    var started = stack.runbooks.start(emergency("killed after each side effect"));
    List<String> points = List.of("after:DatabaseBackup:1", "after:DatabaseRevertMigrations:1",
        "after:ServiceDeploy:1", "after:NotifySend:1", "after:AuditRecord:1");

    List<Instant> kills = killUntilDone(started.runId(), i -> i < points.size() ? points.get(i) : "none");

    assertExactlyOnce(started.workflowId(), started.runId(), before);
    assertThat(kills).hasSize(points.size());
    Figures.record("emergency rollback with database, worker killed after backup, revert, deploy, notify and audit did their work",
        kills.size() + " kills, run succeeded, each once, recovery " + Figures.summary(recoveries(started.workflowId(), kills)));
  }

  /** The short run tag backups and staging databases are named with (the end of the run ID). */
  /** The copies of the sample database on the server: safety copies and staging databases. */
  private static List<String> shopCopies() throws Exception {
    List<String> names = new java.util.ArrayList<>();
    try (var c = stack.pg.connect("postgres"); var rs = c.createStatement().executeQuery(
        "select datname from pg_database where datname like '" + Demo.SHOP_DB + "\\_\\_%' order by 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  static String tag(String runId) {
    String hex = runId.replace("-", "");
    return hex.substring(hex.length() - 8);
  }
}
