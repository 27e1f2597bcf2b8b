package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.worker.demo.Demo;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Temporal server killed with SIGKILL and started again on the same state (its SQLite file);
 * the worker killed in the middle of a long step; PostgreSQL restarted under a running backup.
 * Each run resumes and completes, with its side effects once.
 */
class ServerCrashIT {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path dir;
  static Stack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = Stack.create(dir, tree -> {});
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  /** A run an earlier test left behind must not hold the service. */
  @org.junit.jupiter.api.AfterEach
  void endLeftovers() {
    Stack.endRun(stack, "rollback-shop");
  }

  private static EmergencyRollbackRequest emergency(Severity severity, String reason) {
    return new EmergencyRollbackRequest(Demo.SERVICE, severity, reason, "erin", false, null,
        null, true, null, null, Duration.ZERO, null);
  }

  private static RunStatus awaitStatus(String id, java.util.function.Predicate<RunStatus> condition, Duration timeout)
      throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    RunStatus last = null;
    while (Instant.now().isBefore(end)) {
      try {
        last = stack.runbooks.status(id);
        if (condition.test(last)) {
          return last;
        }
      } catch (RuntimeException serverDown) {
        // The server is coming back; ask again.
      }
      Thread.sleep(200);
    }
    throw new AssertionError("condition not met in " + timeout + "; last status: " + (last == null ? null : last.phase()));
  }

  private static boolean stepRunning(RunStatus s, String step) {
    return s.steps().stream().anyMatch(x -> x.id().equals(step) && x.state() == StepState.RUNNING);
  }

  /**
   * Waits until pg_dump has written {@code bytes} into a backup in progress (a {@code .tmp}
   * directory until it is published): the step is truly mid-way.
   */
  private static void awaitBackupWriting(long bytes) throws Exception {
    Instant end = Instant.now().plus(Duration.ofMinutes(1));
    long written = 0;
    while (Instant.now().isBefore(end)) {
      try (Stream<Path> files = Files.walk(stack.backupDir(Demo.SERVICE))) {
        written = files.filter(f -> f.toString().contains("/.tmp-") && Files.isRegularFile(f))
            .mapToLong(f -> f.toFile().length()).sum();
      } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException movedMeanwhile) {
        // A file renamed or removed during the walk; look again.
      }
      if (written >= bytes) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the backup wrote only " + written + " bytes in a minute");
  }

  private static long backupsOf(String runId) throws Exception {
    try (Stream<Path> b = Files.list(stack.backupDir(Demo.SERVICE))) {
      return b.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".") && n.contains(tag(runId))).count();
    }
  }

  private static void assertRolledBackOnce(String id, String runId) throws Exception {
    RunStatus end = awaitStatus(id, s -> s.phase().terminal(), Duration.ofMinutes(5));
    assertThat(end.phase()).as(end.outcomeMessage()).isEqualTo(Phase.SUCCEEDED);
    assertThat(stack.shopQuery("select max(version::int) from flyway_schema_history where success")).isEqualTo(2);
    assertThat(stack.shopQuery("select count(*) from orders where price > 0")).isEqualTo(5000);
    assertThat(Demo.serviceVersion(stack.servicePort)).contains("\"v1\"");
    assertThat(backupsOf(runId)).isEqualTo(1);
    assertThat(stack.logQuery("select count(*) from runs where run_id = ? and outcome = 'succeeded'", runId)).isEqualTo(1);
    assertThat(stack.logQuery("select max(seq) - count(*) from run_events where run_id = ?", runId)).isZero();
  }

  @Test
  void theServerKilledWhileARunWaitsForApprovalComesBackAndTheRunCompletes() throws Exception {
    stack.resetShop();
    Stack.Worker worker = stack.startWorker("none");
    var run = stack.runbooks.start(emergency(Severity.P1, "server killed while waiting for approval"));
    awaitStatus(run.workflowId(), s -> s.phase() == Phase.AWAITING_APPROVAL, Duration.ofMinutes(2));

    Instant killed = Instant.now();
    stack.temporal.kill9();
    Duration restart = stack.temporal.startAgain();
    awaitStatus(run.workflowId(), s -> s.phase() == Phase.AWAITING_APPROVAL, Duration.ofMinutes(2));
    Duration answering = Duration.between(killed, Instant.now());
    stack.runbooks.approve(run.workflowId(), "alice", "after the server came back");

    assertRolledBackOnce(run.workflowId(), run.runId());
    worker.stop();
    Figures.record("server killed while a run waits for approval",
        "restart " + restart.toMillis() + " ms, run answering again after " + answering.toMillis() + " ms, run succeeded");
  }

  @Test
  void theServerKilledDuringALongBackupComesBackAndTheRunCompletes() throws Exception {
    stack.resetShop();
    stack.growShop();
    Stack.Worker worker = stack.startWorker("none");
    var run = stack.runbooks.start(emergency(Severity.P0, "server killed during the backup"));
    awaitStatus(run.workflowId(), s -> stepRunning(s, "backup"), Duration.ofMinutes(2));
    awaitBackupWriting(4 << 20);

    Instant killed = Instant.now();
    stack.temporal.kill9();
    Duration restart = stack.temporal.startAgain();
    assertRolledBackOnce(run.workflowId(), run.runId());
    Duration total = Duration.between(killed, Instant.now());
    worker.stop();
    Figures.record("server killed during a 220 MB backup",
        "restart " + restart.toMillis() + " ms, run succeeded " + total.toSeconds() + " s after the kill, one backup");
  }

  @Test
  void theWorkerKilledInTheMiddleOfALongBackupLeavesOneBackup() throws Exception {
    stack.resetShop();
    stack.growShop();
    Stack.Worker first = stack.startWorker("during:DatabaseBackup:3000");
    var run = stack.runbooks.start(emergency(Severity.P0, "worker killed mid-backup"));
    assertThat(first.awaitExit(Duration.ofMinutes(2))).isTrue();
    assertThat(first.output()).contains("SIGKILL during DatabaseBackup");
    Instant killed = first.exitedAt();

    Stack.Worker second = stack.startWorker("none");
    RunStatus s = awaitStatus(run.workflowId(), x -> x.steps().stream()
        .anyMatch(step -> step.id().equals("backup") && step.state() == StepState.SUCCEEDED), Duration.ofMinutes(3));
    Duration recovered = Duration.between(killed, Instant.now());
    assertRolledBackOnce(run.workflowId(), run.runId());
    second.stop();
    try (Stream<Path> leftovers = Files.list(stack.backupDir(Demo.SERVICE))) {
      assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp"));
    }
    assertThat(s.phase()).isNotNull();
    Figures.record("worker killed 3 s into a 220 MB backup",
        "backup finished on the new worker " + recovered.toSeconds() + " s after the kill, one backup, no partial files");
  }

  @Test
  void postgresRestartedDuringABackupDoesNotFailTheRun() throws Exception {
    stack.resetShop();
    stack.growShop();
    Stack.Worker worker = stack.startWorker("none");
    var run = stack.runbooks.start(emergency(Severity.P0, "database restarted during the backup"));
    awaitStatus(run.workflowId(), s -> stepRunning(s, "backup"), Duration.ofMinutes(2));
    awaitBackupWriting(4 << 20);

    stack.pg.stop();
    Thread.sleep(2000); // the outage itself: the database stays down for two seconds
    stack.pg.restart();

    assertRolledBackOnce(run.workflowId(), run.runId());
    RunStatus end = stack.runbooks.status(run.workflowId());
    int attempts = end.steps().stream().filter(x -> x.id().equals("backup")).findFirst().orElseThrow().attempts();
    worker.stop();
    Figures.record("PostgreSQL restarted during a 220 MB backup",
        "run succeeded, backup step attempts seen by the workflow: " + attempts + ", one backup kept");
    assertThat(List.of(attempts)).isNotEmpty();
  }

  /** The short run tag backups and staging databases are named with (the end of the run ID). */
  static String tag(String runId) {
    String hex = runId.replace("-", "");
    return hex.substring(hex.length() - 8);
  }
}
