package dev.runbook.activities.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.notify.JdbcDeliveryLog;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.AuditActivities.AuditBatch;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.model.IncidentReport;
import dev.runbook.workflows.model.IncidentReport.Act;
import dev.runbook.workflows.model.RunbookType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The incident report built from rows the audit activity wrote (each batch written twice, as a
 * retried activity would) on a real PostgreSQL: every field traced to the row it came from.
 */
class IncidentReportStoreTest {
  private static final Instant T = Instant.parse("2026-11-27T02:00:00Z");
  private static final Instant NOW = Instant.parse("2026-11-27T05:00:00Z");

  private HikariDataSource db;
  private AuditActivitiesImpl audit;
  private IncidentReportStore reports;

  @BeforeEach
  void setUp() {
    db = TestStore.fresh();
    audit = new AuditActivitiesImpl(db);
    reports = new IncidentReportStore(db, ReportSources.NONE, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** Events numbered from 1, T plus the given seconds. */
  private static final class Events {
    final List<AuditEvent> list = new ArrayList<>();

    Events add(int second, AuditEventType type, String actor, String step, String detail, Map<String, String> data) {
      list.add(new AuditEvent(list.size() + 1, type, T.plusSeconds(second), actor, step, detail, data));
      return this;
    }
  }

  private void record(String workflowId, String runId, RunbookType runbook, Events events) {
    AuditBatch batch = new AuditBatch(workflowId, runId, runbook, events.list);
    audit.record(batch);
    audit.record(batch); // a retried activity changes nothing
  }

  private static Map<String, String> started(String severity, String services, String by, boolean dryRun) {
    return Map.of("severity", severity, "services", services, "requestedBy", by, "dryRun", Boolean.toString(dryRun),
        "incidentId", "INC-42");
  }

  @Test
  void anEmergencyRunWithApprovalARefusedVoteAndADecision() throws Exception {
    snapshot("cfg-new", "api", "{\"DB_URL\":\"h1\",\"FEATURE_X\":\"h2\"}");
    snapshot("cfg-old", "api", "{\"DB_URL\":\"h1\",\"LEGACY\":\"h3\",\"FEATURE_X\":\"h9\"}");
    Events e = new Events()
        .add(0, AuditEventType.RUN_STARTED, "erin", null, "5xx | after v2\nsince 02:00", started("P1", "api", "erin", false))
        .add(1, AuditEventType.STEP_STARTED, null, "resolve-target", "Find the version to go back to", Map.of("attempt", "1"))
        .add(2, AuditEventType.TARGET_RESOLVED, null, "resolve-target", "v2 -> v1", Map.of("from", "v2", "to", "v1"))
        .add(2, AuditEventType.STEP_SUCCEEDED, null, "resolve-target", "v1, last known good", Map.of("state", "succeeded", "attempts", "1"))
        .add(3, AuditEventType.APPROVAL_REQUESTED, null, "approval", "P1 needs an approver", Map.of())
        .add(20, AuditEventType.REFUSED, "erin", "approval", "the requester cannot approve", Map.of())
        .add(40, AuditEventType.APPROVED, "alice", "approval", "go", Map.of())
        .add(41, AuditEventType.STEP_STARTED, null, "deploy", "Deploy v1", Map.of("attempt", "1"))
        .add(50, AuditEventType.STEP_FAILED, null, "deploy", "image pull failed", Map.of("error", "image pull failed"))
        .add(55, AuditEventType.DECISION_REQUESTED, null, "deploy", "image pull failed", Map.of("options", "retry,abort"))
        .add(70, AuditEventType.DECIDED, "bob", "deploy", "registry is back", Map.of("action", "retry"))
        .add(71, AuditEventType.STEP_STARTED, null, "deploy", "Deploy v1", Map.of("attempt", "2"))
        .add(80, AuditEventType.RELEASE_DEPLOYED, "erin", "deploy", "5xx after v2", Map.of("service", "api", "version", "v1",
            "from", "v2", "schema", "7", "source", "rollback", "by", "erin", "config", "cfg-old", "configFrom", "cfg-new"))
        .add(80, AuditEventType.STEP_SUCCEEDED, null, "deploy", "v1 running", Map.of("state", "succeeded", "attempts", "2"))
        .add(90, AuditEventType.RELEASE_VERIFIED, null, "verify", "v1 verified healthy", Map.of("service", "api", "version", "v1"))
        .add(91, AuditEventType.SLA_MEASURED, null, "verify", "within SLA (1m31s of 10m)",
            Map.of("sla", "within SLA (1m31s of 10m)", "slaMs", "600000", "tookMs", "91000", "withinSla", "true"))
        .add(92, AuditEventType.NOTIFICATION_FAILED, null, "verify", "slack answered 500", Map.of("kind", "RESOLVED"))
        .add(95, AuditEventType.RUN_FINISHED, null, null, "rolled back api v2 -> v1",
            Map.of("outcome", "succeeded", "durationMs", "95000", "from", "v2", "to", "v1"));
    record("rollback-api", "run-a", RunbookType.EMERGENCY, e);
    JdbcDeliveryLog deliveries = new JdbcDeliveryLog(db);
    deliveries.recordDelivery("rollback-api/run-a/1-started", "slack");
    deliveries.recordDelivery("rollback-api/run-a/2-approval_needed", "email");
    deliveries.recordDelivery("rollback-api/run-other/1-started", "slack"); // another run of the same ID

    IncidentReport r = reports.report("rollback-api").orElseThrow();

    assertThat(r.runId()).isEqualTo("run-a");
    assertThat(r.kind()).isEqualTo(IncidentReport.Kind.INCIDENT);
    assertThat(r.severity()).isEqualTo("P1");
    assertThat(r.services()).containsExactly("api");
    assertThat(r.incidentId()).isEqualTo("INC-42");
    assertThat(r.reason()).isEqualTo("5xx | after v2\nsince 02:00");
    assertThat(r.startedAt()).isEqualTo(T);
    assertThat(r.finishedAt()).isEqualTo(T.plusSeconds(95));
    assertThat(r.durationMs()).isEqualTo(95_000L);
    assertThat(r.outcome()).isEqualTo("succeeded");
    assertThat(r.message()).isEqualTo("rolled back api v2 -> v1");
    assertThat(r.generatedAt()).isEqualTo(NOW);

    assertThat(r.timeline()).extracting(IncidentReport.Step::step).containsExactly("resolve-target", "approval", "deploy");
    assertThat(r.timeline().get(1)).isEqualTo(new IncidentReport.Step("approval", "Approval: P1 needs an approver",
        "approved", 1, T.plusSeconds(3), T.plusSeconds(40), 37_000L, null, "approved by alice"));
    IncidentReport.Step deploy = r.timeline().get(2);
    assertThat(deploy.title()).isEqualTo("Deploy v1");
    assertThat(deploy.state()).isEqualTo("succeeded");
    assertThat(deploy.attempts()).isEqualTo(2);
    assertThat(deploy.startedAt()).isEqualTo(T.plusSeconds(71)); // the attempt that succeeded
    assertThat(deploy.finishedAt()).isEqualTo(T.plusSeconds(80));
    assertThat(deploy.durationMs()).isEqualTo(9_000L);
    assertThat(deploy.detail()).isEqualTo("v1 running");

    assertThat(r.people()).containsExactly(
        new Act(T, "erin", "requested", null, null, "5xx | after v2\nsince 02:00"),
        new Act(T.plusSeconds(20), "erin", "refused", "approval", null, "the requester cannot approve"),
        new Act(T.plusSeconds(40), "alice", "approved", "approval", null, "go"),
        new Act(T.plusSeconds(70), "bob", "decided", "deploy", "retry", "registry is back"));

    assertThat(r.versions()).singleElement().isEqualTo(new IncidentReport.VersionChange(
        "api", "v2", "v1", "7", "rollback", "erin", false, T.plusSeconds(80), T.plusSeconds(90)));
    assertThat(r.schema()).isNull();
    assertThat(r.configs()).singleElement().isEqualTo(new IncidentReport.ConfigChange(
        "api", "cfg-new", "cfg-old", T.plusSeconds(80), List.of("LEGACY"), List.of(), List.of("FEATURE_X")));
    assertThat(r.toString()).as("names only: not even the keyed hashes of values").doesNotContain("h1", "h2", "h3", "h9");
    assertThat(r.backups()).isNull();
    assertThat(r.sla()).isEqualTo(new IncidentReport.Sla("within SLA (1m31s of 10m)", true, 600_000L, 91_000L,
        T.plusSeconds(91)));
    assertThat(r.notifications()).extracting(n -> n.kind() + "@" + n.channel() + ":" + n.failure())
        .containsExactlyInAnyOrder("started@slack:null", "approval needed@email:null",
            "resolved@null:slack answered 500");
    assertThat(r.checklist()).isNull();
  }

  @Test
  void aVoteLoggedWhileTheRequestWasBeingSentEndsTheWaitAndOneAfterALapseCountsOnlyAfterIt() {
    Events e = new Events()
        .add(0, AuditEventType.RUN_STARTED, "erin", null, "5xx", started("P1", "api", "erin", false))
        .add(2, AuditEventType.APPROVED, "alice", "approval", "go", Map.of())
        .add(3, AuditEventType.APPROVAL_REQUESTED, null, "approval", "1 approval from engineering-lead", Map.of())
        .add(9, AuditEventType.RUN_FINISHED, null, null, "rolled back", Map.of("outcome", "succeeded", "durationMs", "9000"));
    record("rollback-api", "run-v", RunbookType.EMERGENCY, e);
    IncidentReport.Step approval = reports.report("rollback-api").orElseThrow().timeline().stream()
        .filter(s -> s.step().equals("approval")).findFirst().orElseThrow();
    assertThat(approval.state()).isEqualTo("approved");
    assertThat(approval.finishedAt()).isEqualTo(T.plusSeconds(2));
    assertThat(approval.durationMs()).isZero();

    Events lapsed = new Events()
        .add(0, AuditEventType.RUN_STARTED, "erin", null, "5xx", started("P1", "api", "erin", false))
        .add(1, AuditEventType.APPROVAL_REQUESTED, null, "approval", "1 approval", Map.of("plan", "aaa"))
        .add(2, AuditEventType.APPROVED, "alice", "approval", "go", Map.of())
        .add(3, AuditEventType.APPROVAL_REQUESTED, null, "approval", "lapsed: the plan changed",
            Map.of("plan", "bbb", "lapsed", "aaa"));
    record("rollback-web", "run-w", RunbookType.EMERGENCY, lapsed);
    IncidentReport.Step waiting = reports.report("rollback-web").orElseThrow().timeline().stream()
        .filter(s -> s.step().equals("approval")).findFirst().orElseThrow();
    assertThat(waiting.state()).as("alice's vote was for the plan that changed").isEqualTo("waiting");
    assertThat(waiting.finishedAt()).isNull();
  }

  @Test
  void aCancelledRunSaysWhoCancelledAndKeepsWhatItDid() {
    Events e = new Events()
        .add(0, AuditEventType.RUN_STARTED, "erin", null, "errors", started("P2", "web", "erin", false))
        .add(1, AuditEventType.STEP_STARTED, null, "stop", "Stop web", Map.of("attempt", "1"))
        .add(30, AuditEventType.CANCEL_REQUESTED, "carol", "stop", "wrong service", Map.of())
        .add(31, AuditEventType.STEP_FAILED, null, "stop", "cancelled", Map.of("error", "cancelled"))
        .add(32, AuditEventType.RUN_FINISHED, null, null, "cancelled by carol: wrong service",
            Map.of("outcome", "cancelled", "durationMs", "32000"));
    record("rollback-web", "run-c", RunbookType.EMERGENCY, e);

    IncidentReport r = reports.report("rollback-web").orElseThrow();

    assertThat(r.outcome()).isEqualTo("cancelled");
    assertThat(r.people()).contains(new Act(T.plusSeconds(30), "carol", "cancel requested", "stop", null, "wrong service"));
    assertThat(r.timeline()).singleElement().satisfies(s -> {
      assertThat(s.state()).isEqualTo("failed");
      assertThat(s.error()).isEqualTo("cancelled");
    });
    assertThat(r.versions()).isEmpty(); // it resolved none: nothing invented
    assertThat(r.sla()).isNull();
    assertThat(r.notifications()).isEmpty();
  }

  @Test
  void aRestoreRunNamesItsBackupTheSafetyCopyAndWhatTheRestoreDiscarded() throws Exception {
    Instant backupTaken = T.minusSeconds(3600);
    Events e = new Events()
        .add(0, AuditEventType.RUN_STARTED, "erin", null, "corrupted orders", started("P1", "api", "erin", false))
        .add(1, AuditEventType.STEP_STARTED, null, "resolve-backup", "Resolve and verify the backup to restore", Map.of("attempt", "1"))
        .add(3, AuditEventType.TARGET_RESOLVED, null, "resolve-backup", null, Map.of("from", "schema 12", "to", "backup b-20261127"))
        .add(3, AuditEventType.STEP_SUCCEEDED, null, "resolve-backup", "b-20261127", Map.of("state", "succeeded", "attempts", "1"))
        .add(4, AuditEventType.STEP_STARTED, null, "safety-backup", "Back up shop before restoring over it", Map.of("attempt", "1"))
        .add(9, AuditEventType.STEP_SUCCEEDED, null, "safety-backup", "safety-1", Map.of("state", "succeeded", "attempts", "1"))
        .add(20, AuditEventType.APPROVED, "alice", "approval", null, Map.of())
        .add(21, AuditEventType.STEP_STARTED, null, "restore", "Restore b-20261127 into shop in place", Map.of("attempt", "1"))
        .add(40, AuditEventType.STEP_SUCCEEDED, null, "restore", null, Map.of("state", "succeeded", "attempts", "1"))
        .add(41, AuditEventType.RUN_FINISHED, null, null, "restored", Map.of("outcome", "succeeded", "durationMs", "41000",
            "from", "schema 12", "to", "backup b-20261127"));
    record("rollback-api", "run-d", RunbookType.DATABASE, e);
    backup("b-20261127", backupTaken, 4096, "11", "rollback-api", "run-other", "backup");
    backup("safety-1", T.plusSeconds(8), 8192, "12", "rollback-api", "run-d", "safety-backup");

    IncidentReport r = reports.report("rollback-api", "run-d").orElseThrow();

    assertThat(r.schema()).isEqualTo(new IncidentReport.SchemaChange("shop", "12", "11", T.plusSeconds(3)));
    assertThat(r.versions()).isEmpty(); // "schema 12" and "backup ..." are no service versions
    IncidentReport.Backup used = r.backups().used();
    assertThat(used.backupId()).isEqualTo("b-20261127");
    assertThat(used.systemIdentifier()).isEqualTo("7300000000000000001");
    assertThat(used.host()).isEqualTo("db1");
    assertThat(used.port()).isEqualTo(5432);
    assertThat(used.physicalDatabase()).isEqualTo("shop");
    assertThat(used.takenAt()).isEqualTo(backupTaken);
    assertThat(used.sizeBytes()).isEqualTo(4096L);
    assertThat(used.ageAtRestoreMs()).isEqualTo(3621_000L); // taken an hour before, restored 21 s into the run
    assertThat(r.backups().safety().backupId()).isEqualTo("safety-1");
    assertThat(r.backups().discarded()).isEqualTo(new IncidentReport.Discarded(backupTaken, "safety-1", null));
  }

  @Test
  void aStagedRestoreNamesTheRowsItDiscardedAsMeasuredWithTheWritersStoppedAndItsSalvageSet() throws Exception {
    Instant backupTaken = T.minusSeconds(7200);
    Map<String, String> shown = new java.util.LinkedHashMap<>(Map.of("final", "false", "salvage", "/b/_salvage/shop/r1",
        "script", "/b/_salvage/shop/r1/apply.sql", "table:public.orders", "1200,0,0"));
    Map<String, String> kept = new java.util.LinkedHashMap<>(Map.of("final", "true", "salvage", "/b/_salvage/shop/r1",
        "script", "/b/_salvage/shop/r1/apply.sql", "table:public.orders", "1204,0,2", "table:public.customers", "0,31,0"));
    Events e = new Events()
        .add(0, AuditEventType.RUN_STARTED, "erin", null, "corrupted orders", started("P1", "api", "erin", false))
        .add(3, AuditEventType.TARGET_RESOLVED, null, "resolve-backup", null, Map.of("from", "schema 12", "to", "backup b-1"))
        .add(9, AuditEventType.DISCARD_MEASURED, null, "measure-discard", "the restore discards ...", shown)
        .add(20, AuditEventType.APPROVED, "alice", "approval", null, Map.of())
        .add(22, AuditEventType.DISCARD_MEASURED, null, "salvage", "kept ...", kept)
        .add(23, AuditEventType.STEP_STARTED, null, "swap", "End sessions and swap the staged copy in", Map.of("attempt", "1"))
        .add(24, AuditEventType.STEP_SUCCEEDED, null, "swap", "the old database is kept as shop__before_r1",
            Map.of("state", "succeeded", "attempts", "1"))
        .add(30, AuditEventType.RUN_FINISHED, null, null, "restored", Map.of("outcome", "succeeded", "durationMs", "30000",
            "from", "schema 12", "to", "backup b-1"));
    record("rollback-api", "run-s", RunbookType.DATABASE, e);
    backup("b-1", backupTaken, 4096, "11", "rollback-api", "run-other", "backup");

    IncidentReport.Discarded d = reports.report("rollback-api", "run-s").orElseThrow().backups().discarded();

    assertThat(d.after()).isEqualTo(backupTaken);
    assertThat(d.keptBy()).isEqualTo("database shop__before_r1");
    assertThat(d.rows()).containsExactly(
        new IncidentReport.TableRows("public.orders", 1206, 1204, 0, 2),
        new IncidentReport.TableRows("public.customers", 31, 0, 31, 0));
    assertThat(d.salvage()).isEqualTo("/b/_salvage/shop/r1");
    assertThat(d.script()).isEqualTo("/b/_salvage/shop/r1/apply.sql");
  }

  @Test
  void aRejectedRestoreDiscardedNothingAndADryRunAndADrillSayWhatTheyWere() throws Exception {
    Events rejected = new Events()
        .add(0, AuditEventType.RUN_STARTED, "erin", null, "corrupted", started("P1", "api", "erin", false))
        .add(3, AuditEventType.TARGET_RESOLVED, null, "resolve-backup", null, Map.of("from", "schema 12", "to", "backup b-1"))
        .add(20, AuditEventType.REJECTED, "alice", "approval", "data loss too big", Map.of())
        .add(21, AuditEventType.RUN_FINISHED, null, null, "rejected by alice", Map.of("outcome", "rejected", "durationMs", "21000"));
    record("rollback-api", "run-r", RunbookType.DATABASE, rejected);
    backup("b-1", T.minusSeconds(60), 10, "11", "rollback-api", "run-x", "backup");
    IncidentReport r = reports.report("rollback-api", "run-r").orElseThrow();
    assertThat(r.outcome()).isEqualTo("rejected");
    assertThat(r.people()).extracting(Act::act).containsExactly("requested", "rejected");
    assertThat(r.backups().used().ageAtRestoreMs()).isNull(); // never restored
    assertThat(r.backups().discarded()).isNull();

    Events dry = new Events()
        .add(0, AuditEventType.RUN_STARTED, "erin", null, "try it", started("P3", "api", "erin", true))
        .add(2, AuditEventType.TARGET_RESOLVED, null, "resolve-target", "v2 -> v1", Map.of("from", "v2", "to", "v1"));
    record("dryrun-api-1a2b3c4d", "run-dry", RunbookType.EMERGENCY, dry);
    IncidentReport plan = reports.report("dryrun-api-1a2b3c4d").orElseThrow();
    assertThat(plan.kind()).isEqualTo(IncidentReport.Kind.DRY_RUN);
    assertThat(plan.finishedAt()).isNull();
    assertThat(plan.outcome()).isNull();
    assertThat(plan.versions()).singleElement().isEqualTo(new IncidentReport.VersionChange(
        "api", "v2", "v1", null, "run", null, false, T.plusSeconds(2), null));

    Events drill = new Events().add(0, AuditEventType.RUN_STARTED, "erin", null, "drill",
        Map.of("severity", "P3", "services", "web", "requestedBy", "erin", "dryRun", "false", "drill", "drill-web-0badcafe"));
    record("rollback-web", "run-drill", RunbookType.EMERGENCY, drill);
    IncidentReport rehearsal = reports.report("rollback-web").orElseThrow();
    assertThat(rehearsal.kind()).isEqualTo(IncidentReport.Kind.DRILL);
    assertThat(rehearsal.drill()).isEqualTo("drill-web-0badcafe");

    assertThat(reports.report("rollback-nothing")).isEmpty();
  }

  @Test
  void theChecklistComesFromItsSource() {
    record("rollback-api", "run-k", RunbookType.EMERGENCY, new Events()
        .add(0, AuditEventType.RUN_STARTED, "erin", null, "x", started("P2", "api", "erin", false)));
    IncidentReport.Checklist list = new IncidentReport.Checklist("open", List.of(new IncidentReport.ChecklistItem(
        "status page resolved", "lead", T.plusSeconds(3600), "done", T.plusSeconds(600), "carol", null)), NOW);
    IncidentReportStore withList = new IncidentReportStore(db,
        (wf, run) -> wf.equals("rollback-api") && run.equals("run-k") ? Optional.of(list) : Optional.empty(),
        Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(withList.report("rollback-api").orElseThrow().checklist()).isEqualTo(list);
  }

  private void snapshot(String id, String service, String names) throws Exception {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into config_snapshots (id, service, kind, names, sealed, key_id, taken_at) values (?,?,'envFile',?::jsonb,?,'k1',?)")) {
      ps.setString(1, id);
      ps.setString(2, service);
      ps.setString(3, names);
      ps.setBytes(4, new byte[] {1, 2, 3});
      ps.setTimestamp(5, Timestamp.from(T.minusSeconds(7200)));
      ps.executeUpdate();
    }
  }

  private void backup(String id, Instant taken, long size, String schema, String workflowId, String runId, String step)
      throws Exception {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into backups (location, database, backup_id, system_identifier, host, port, physical_database,"
            + " created_at, size_bytes, sha256, schema_version, verified, idempotency_key, workflow_id, run_id, step)"
            + " values (?, 'shop', ?, '7300000000000000001', 'db1', 5432, 'shop', ?, ?, 'abc', ?, true, ?, ?, ?, ?)")) {
      ps.setString(1, "/backups/" + id);
      ps.setString(2, id);
      ps.setTimestamp(3, Timestamp.from(taken));
      ps.setLong(4, size);
      ps.setString(5, schema);
      ps.setString(6, workflowId + "/" + step);
      ps.setString(7, workflowId);
      ps.setString(8, runId);
      ps.setString(9, step);
      ps.executeUpdate();
    }
  }
}
