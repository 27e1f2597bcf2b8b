package dev.runbook.activities.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.AuditActivities;
import dev.runbook.workflows.activities.AuditActivities.AuditBatch;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuditActivitiesImplTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private HikariDataSource db;
  private FakeWorld world;
  private TestWorkflowEnvironment testEnv;
  private WorkflowClient client;
  private String queue;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) {
    db = TestStore.fresh();
    world = new FakeWorld();
    this.testEnv = testEnv;
    this.client = client;
    this.queue = worker.getTaskQueue();
    worker.registerActivitiesImplementations(world.activitiesExcept(AuditActivities.class));
    worker.registerActivitiesImplementations(new AuditActivitiesImpl(db));
    testEnv.start();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> cols = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          cols.add(String.valueOf(rs.getObject(i)));
        }
        out.add(String.join("|", cols));
      }
    }
    return out;
  }

  /** The one open run of api in the rollback log once {@code written} holds for it; the log is written behind the run. */
  private RollbackLogEntry awaitLog(java.util.function.Predicate<RollbackLogEntry> written) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<RollbackLogEntry> open = new RollbackLogStore(db).recent(5, "api", true);
      assertThat(open).hasSize(1);
      if (written.test(open.get(0))) {
        return open.get(0);
      }
      assertThat(System.nanoTime()).as("the rollback log never showed it: " + open.get(0)).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void theSameBatchWrittenTwiceIsStoredOnce() throws Exception {
    Instant t = Instant.parse("2026-11-21T03:00:00Z");
    AuditBatch batch = new AuditBatch("rollback-api", "run-1", RunbookType.EMERGENCY, List.of(
        new AuditEvent(1, AuditEventType.RUN_STARTED, t, "erin", null, "errors after v2",
            Map.of("severity", "P1", "services", "api", "requestedBy", "erin", "dryRun", "false")),
        new AuditEvent(2, AuditEventType.STEP_STARTED, t, null, "deploy", "Deploy v1", Map.of("attempt", "1")),
        new AuditEvent(3, AuditEventType.APPROVED, t, "alice", "approval", "go", Map.of()),
        new AuditEvent(4, AuditEventType.DECIDED, t, "bob", "deploy", "flaky", Map.of("action", "retry")),
        new AuditEvent(5, AuditEventType.STEP_SUCCEEDED, t.plusSeconds(5), null, "deploy", null,
            Map.of("state", "succeeded", "attempts", "2")),
        new AuditEvent(6, AuditEventType.RUN_FINISHED, t.plusSeconds(60), null, null, "rolled back",
            Map.of("outcome", "succeeded", "durationMs", "60000", "from", "v2", "to", "v1"))));
    AuditActivitiesImpl audit = new AuditActivitiesImpl(db);
    audit.record(batch);
    audit.record(batch);

    assertThat(rows("select count(*) from run_events")).containsExactly("6");
    assertThat(rows("select step, state, attempts, finished_at is not null from steps"))
        .containsExactly("deploy|succeeded|2|true");
    assertThat(rows("select person, verdict, comment from approvals")).containsExactly("alice|approved|go");
    assertThat(rows("select person, step, action from decisions")).containsExactly("bob|deploy|retry");
    List<RollbackLogEntry> log = new RollbackLogStore(db).recent(10, null, false);
    assertThat(log).singleElement().satisfies(e -> {
      assertThat(e.services()).containsExactly("api");
      assertThat(e.fromVersion()).isEqualTo("v2");
      assertThat(e.toVersion()).isEqualTo("v1");
      assertThat(e.reason()).isEqualTo("errors after v2");
      assertThat(e.durationMs()).isEqualTo(60000L);
      assertThat(e.outcome()).isEqualTo("succeeded");
      assertThat(e.requestedBy()).isEqualTo("erin");
    });
  }

  @Test
  void aRunGoingOnShowsFromAndToAndThatItOnlyMonitorsOnceItSaidSo() {
    Instant t = Instant.parse("2026-11-21T03:00:00Z");
    AuditEvent started = new AuditEvent(1, AuditEventType.RUN_STARTED, t, "erin", null, "errors after v2",
        Map.of("severity", "P0", "services", "api", "requestedBy", "erin", "dryRun", "false"));
    AuditActivitiesImpl audit = new AuditActivitiesImpl(db);
    RollbackLogStore log = new RollbackLogStore(db);

    AuditBatch resolved = new AuditBatch("rollback-api", "run-1", RunbookType.EMERGENCY, List.of(started,
        new AuditEvent(2, AuditEventType.TARGET_RESOLVED, t, null, "resolve-target", "v2 -> v1",
            Map.of("from", "v2", "to", "v1"))));
    audit.record(resolved);
    audit.record(resolved);
    assertThat(log.recent(10, null, false)).singleElement().satisfies(e -> {
      assertThat(e.fromVersion() + " -> " + e.toVersion()).isEqualTo("v2 -> v1");
      assertThat(e.outcome()).isNull();
      assertThat(e.monitoring()).isFalse();
    });

    AuditBatch applied = new AuditBatch("rollback-api", "run-1", RunbookType.EMERGENCY, List.of(
        new AuditEvent(3, AuditEventType.ROLLBACK_APPLIED, t, null, "verify", null,
            Map.of("from", "v2", "to", "v1", "monitorFor", "PT15M"))));
    audit.record(applied);
    audit.record(applied);
    assertThat(log.recent(10, null, false)).singleElement().satisfies(e -> assertThat(e.monitoring()).isTrue());

    audit.record(new AuditBatch("rollback-api", "run-1", RunbookType.EMERGENCY, List.of(
        new AuditEvent(4, AuditEventType.RUN_FINISHED, t.plusSeconds(900), null, null, "rolled back",
            Map.of("outcome", "succeeded", "durationMs", "900000")))));
    assertThat(log.recent(10, null, false)).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo("succeeded");
      assertThat(e.monitoring()).isFalse();
      assertThat(e.fromVersion() + " -> " + e.toVersion()).isEqualTo("v2 -> v1");
    });
  }

  @Test
  void theRollbackLogRecordsHowARunComparedWithItsSla() throws Exception {
    world.policy(new dev.runbook.workflows.policy.PolicySnapshot(
        dev.runbook.workflows.policy.ApprovalPolicy.defaults(), FakeWorld.people(), java.time.Duration.ofMinutes(10)));
    WorkflowStub run = Runs.start(client, queue, Runs.request(RunbookType.EMERGENCY, Severity.P1, false));
    Runs.awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    assertThat(new RollbackLogStore(db).recent(5, "api", true)).singleElement()
        .satisfies(e -> assertThat(e.sla()).as("not rolled back yet").isNull());
    testEnv.sleep(java.time.Duration.ofMinutes(13));
    Runs.approve(run, "alice");
    Runs.awaitPhase(testEnv, run, Phase.MONITORING);

    // The rollback is written to the log behind the run: wait for it, not for the phase.
    assertThat(awaitLog(e -> e.sla() != null).sla()).matches("over SLA by 3m0\\ds \\(13m0\\ds of 10m\\)");
    assertThat(rows("select within_sla from runs")).containsExactly("false");
  }

  @Test
  void aRunWritesItsStepsVotesDecisionsAndOutcomeAsItGoes() throws Exception {
    world.fail("Service.deploy", FailureType.NOT_SUPPORTED, 1);
    WorkflowStub run = Runs.start(client, queue, Runs.request(RunbookType.EMERGENCY, Severity.P1, false));
    Runs.awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    assertThat(new RollbackLogStore(db).recent(5, "api", true)).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isNull();
      assertThat(e.fromVersion() + " -> " + e.toVersion()).isEqualTo("v2 -> v1");
      assertThat(e.monitoring()).isFalse();
    });
    assertThat(rows("select verdict from approvals")).isEmpty();

    Runs.approve(run, "alice");
    Runs.awaitPhase(testEnv, run, Phase.NEEDS_DECISION);
    assertThat(rows("select state, error like '%NOT_SUPPORTED%' from steps where step = 'deploy'"))
        .containsExactly("failed|true");
    Runs.decide(run, DecisionAction.RETRY, "bob");
    Runs.awaitPhase(testEnv, run, Phase.MONITORING);
    assertThat(awaitLog(RollbackLogEntry::monitoring).outcome()).isNull();
    assertThat(Runs.report(run).outcome()).isEqualTo(Phase.SUCCEEDED);

    assertThat(rows("select person, verdict from approvals")).containsExactly("alice|approved");
    assertThat(rows("select person, step, action from decisions")).containsExactly("bob|deploy|retry");
    assertThat(rows("select state, attempts from steps where step = 'deploy'")).containsExactly("succeeded|2");
    assertThat(rows("select count(*) from steps where state <> 'succeeded' and state <> 'skipped'")).containsExactly("0");
    RollbackLogEntry entry = new RollbackLogStore(db).recent(5, "api", false).get(0);
    assertThat(entry.outcome()).isEqualTo("succeeded");
    assertThat(entry.fromVersion()).isEqualTo("v2");
    assertThat(entry.toVersion()).isEqualTo("v1");
    assertThat(entry.severity()).isEqualTo("P1");
    assertThat(entry.incidentId()).isEqualTo("INC-7");
    assertThat(rows("select min(seq), max(seq), count(*) = max(seq) from run_events"))
        .singleElement().satisfies(r -> assertThat(r).startsWith("1|").endsWith("|true"));
    assertThat(new RollbackLogStore(db).recent(5, "web", false)).isEmpty();
  }

  @Test
  void theRollbackLogMarksDryRunsAndKeepsTheOutcomeOfOneThatStoppedWithItsPlan() throws Exception {
    WorkflowStub real = Runs.start(client, queue, Runs.request(RunbookType.EMERGENCY, Severity.P1, false));
    Runs.awaitPhase(testEnv, real, Phase.AWAITING_APPROVAL);
    world.fail("Service.resolveTarget", FailureType.NOT_SUPPORTED, 1);
    WorkflowStub dry = Runs.start(client, queue, Runs.request(RunbookType.EMERGENCY, Severity.P1, true));
    assertThat(Runs.report(dry).outcome()).isEqualTo(Phase.PLAN_INCOMPLETE);

    List<RollbackLogEntry> log = new RollbackLogStore(db).recent(5, "api", false);
    assertThat(log).extracting(RollbackLogEntry::workflowId, RollbackLogEntry::dryRun, RollbackLogEntry::outcome)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(dry.getExecution().getWorkflowId(), true, "plan-incomplete"),
            org.assertj.core.groups.Tuple.tuple("rollback-api", false, null));
    RollbackLogEntry plan = log.stream().filter(RollbackLogEntry::dryRun).findFirst().orElseThrow();
    assertThat(plan.workflowId()).matches("dryrun-api-[0-9a-f]{8}");
    assertThat(plan.message()).startsWith("dry run stopped at resolve-target: ")
        .endsWith("; nothing was changed");
    assertThat(rows("select count(*) from decisions")).containsExactly("0");
  }

  private static AuditBatch started(String workflowId, String runId, RunbookType runbook, String services,
      Instant at, Map<String, String> extra) {
    Map<String, String> data = new java.util.HashMap<>(Map.of("severity", "P1", "services", services,
        "requestedBy", "erin", "dryRun", "false"));
    data.putAll(extra);
    return new AuditBatch(workflowId, runId, runbook, List.of(
        new AuditEvent(1, AuditEventType.RUN_STARTED, at, "erin", null, "DRILL checkout", data)));
  }

  @Test
  void aDrillsRunsAreMarkedWithTheDrillAndARealRunIsNot() throws Exception {
    Instant t = Instant.parse("2026-11-26T10:00:00Z");
    AuditActivitiesImpl audit = new AuditActivitiesImpl(db);
    // A drilled full rollback names its drill; its service runs only name their parent.
    audit.record(started("rollback-full-staging", "run-full", RunbookType.FULL, "checkout,cart", t,
        Map.of("drill", "drill-staging-1a2b3c4d")));
    audit.record(started("rollback-checkout", "run-child", RunbookType.EMERGENCY, "checkout", t.plusSeconds(5),
        Map.of("parent", "rollback-full-staging")));
    audit.record(started("rollback-api", "run-real", RunbookType.EMERGENCY, "api", t.plusSeconds(10), Map.of()));
    // The same start written again leaves the mark as it was.
    audit.record(started("rollback-checkout", "run-child", RunbookType.EMERGENCY, "checkout", t.plusSeconds(5),
        Map.of("parent", "rollback-full-staging")));

    assertThat(rows("select workflow_id, drill from runs order by started_at")).containsExactly(
        "rollback-full-staging|drill-staging-1a2b3c4d",
        "rollback-checkout|drill-staging-1a2b3c4d",
        "rollback-api|null");
    RollbackLogStore log = new RollbackLogStore(db);
    assertThat(log.recent(10, null, false)).extracting(RollbackLogEntry::workflowId, RollbackLogEntry::drill)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("rollback-api", null),
            org.assertj.core.groups.Tuple.tuple("rollback-checkout", "drill-staging-1a2b3c4d"),
            org.assertj.core.groups.Tuple.tuple("rollback-full-staging", "drill-staging-1a2b3c4d"));
    assertThat(log.recent(10, null, false, false)).extracting(RollbackLogEntry::workflowId)
        .containsExactly("rollback-api");
  }

  @Test
  void aChildOfARealRunIsNotMarked() throws Exception {
    Instant t = Instant.parse("2026-11-26T10:00:00Z");
    AuditActivitiesImpl audit = new AuditActivitiesImpl(db);
    audit.record(started("rollback-full-prod", "run-full", RunbookType.FULL, "api", t, Map.of()));
    audit.record(started("rollback-api", "run-child", RunbookType.EMERGENCY, "api", t.plusSeconds(5),
        Map.of("parent", "rollback-full-prod")));

    assertThat(rows("select count(*) from runs where drill is not null")).containsExactly("0");
  }
}
