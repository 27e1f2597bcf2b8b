package dev.runbook.activities.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.Failures;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.workflows.activities.AuditActivities;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.RunbookType;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * Writes a run's events to the rollback log in one transaction per batch. Each event is stored
 * once, keyed by run and sequence number; the runs, steps, approvals and decisions tables are
 * updated only when the event is new, so a retried batch changes nothing. Release events also
 * write the release ledger ({@link ReleaseLedger}) in the same transaction.
 */
public final class AuditActivitiesImpl implements AuditActivities {
  private static final ObjectMapper json = new ObjectMapper();
  private final DataSource dataSource;
  private final BiConsumer<RunbookType, AuditEvent> onNewEvent;
  private final java.util.function.Consumer<AuditBatch> onRunStarted;

  public AuditActivitiesImpl(DataSource dataSource) {
    this(dataSource, (runbook, event) -> {});
  }

  /**
   * @param onNewEvent told of each event the first time it is stored, after the commit (metrics
   *     count each event once, whatever the retries)
   */
  public AuditActivitiesImpl(DataSource dataSource, BiConsumer<RunbookType, AuditEvent> onNewEvent) {
    this(dataSource, onNewEvent, batch -> {});
  }

  /**
   * @param onRunStarted told once per run, after the commit that first stored its RUN_STARTED
   *     event (a process prints the run's page in Temporal UI)
   */
  public AuditActivitiesImpl(DataSource dataSource, BiConsumer<RunbookType, AuditEvent> onNewEvent,
      java.util.function.Consumer<AuditBatch> onRunStarted) {
    this.dataSource = dataSource;
    this.onNewEvent = onNewEvent;
    this.onRunStarted = onRunStarted;
  }

  @Override
  public void record(AuditBatch batch) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      List<AuditEvent> fresh = new ArrayList<>();
      try {
        ensureRun(c, batch);
        for (AuditEvent e : batch.events()) {
          if (insertEvent(c, batch.runId(), e)) {
            project(c, batch, e);
            fresh.add(e);
          }
        }
        c.commit();
        fresh.forEach(e -> onNewEvent.accept(batch.runbook(), e));
        if (fresh.stream().anyMatch(e -> e.type() == dev.runbook.workflows.activities.AuditEventType.RUN_STARTED)) {
          onRunStarted.accept(batch);
        }
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw Failures.of(
          FailureType.UNAVAILABLE,
          "cannot write the rollback log for " + batch.workflowId() + ": " + e.getMessage());
    }
  }

  /** The runs row: from RUN_STARTED when the batch has it, or a minimal one to hang events on. */
  private static void ensureRun(Connection c, AuditBatch batch) throws SQLException {
    AuditEvent start = batch.events().stream()
        .filter(e -> e.type() == dev.runbook.workflows.activities.AuditEventType.RUN_STARTED)
        .findFirst().orElse(null);
    Map<String, String> d = start == null ? Map.of() : start.data();
    try (PreparedStatement ps = c.prepareStatement(
        "insert into runs (workflow_id, run_id, runbook, severity, services, reason, requested_by,"
            + " incident_id, dry_run, started_at, drill) values (?,?,?,?,?,?,?,?,?,?,"
            // A drill's runbook names its drill; the service runs of a drilled full rollback, their parent.
            + " coalesce(?, (select p.drill from runs p where p.workflow_id = ? and p.drill is not null"
            + " order by p.started_at desc limit 1)))"
            + " on conflict (run_id) do nothing")) {
      ps.setString(1, batch.workflowId());
      ps.setString(2, batch.runId());
      ps.setString(3, batch.runbook().id());
      ps.setString(4, d.get("severity"));
      String services = d.get("services");
      Array arr = c.createArrayOf("text",
          services == null || services.isBlank() ? new String[0] : services.split(","));
      ps.setArray(5, arr);
      ps.setString(6, start == null ? null : start.detail());
      ps.setString(7, d.get("requestedBy"));
      ps.setString(8, d.get("incidentId"));
      ps.setBoolean(9, Boolean.parseBoolean(d.get("dryRun")));
      ps.setTimestamp(10, Timestamp.from(
          start != null ? start.at() : batch.events().isEmpty() ? java.time.Instant.now() : batch.events().get(0).at()));
      ps.setString(11, d.get("drill"));
      ps.setString(12, d.get("parent"));
      ps.executeUpdate();
    }
  }

  private static boolean insertEvent(Connection c, String runId, AuditEvent e) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "insert into run_events (run_id, seq, type, at, actor, step, detail, data)"
            + " values (?,?,?,?,?,?,?,?::jsonb) on conflict (run_id, seq) do nothing")) {
      ps.setString(1, runId);
      ps.setLong(2, e.seq());
      ps.setString(3, e.type().name());
      ps.setTimestamp(4, Timestamp.from(e.at()));
      ps.setString(5, e.actor());
      ps.setString(6, e.step());
      ps.setString(7, e.detail());
      ps.setString(8, toJson(e.data()));
      return ps.executeUpdate() == 1;
    }
  }

  private static void project(Connection c, AuditBatch batch, AuditEvent e) throws SQLException {
    Map<String, String> d = e.data() == null ? Map.of() : e.data();
    switch (e.type()) {
      case STEP_STARTED, STEP_SUCCEEDED, STEP_FAILED, STEP_SKIPPED -> step(c, batch.runId(), e, d);
      case APPROVED -> vote(c, batch.runId(), e, "approved");
      case REJECTED -> vote(c, batch.runId(), e, "rejected");
      case REFUSED -> vote(c, batch.runId(), e, "refused");
      case DECIDED -> update(c,
          "insert into decisions (run_id, seq, person, step, action, comment, at) values (?,?,?,?,?,?,?)",
          batch.runId(), e.seq(), e.actor(), e.step(), d.getOrDefault("action", "?"), e.detail(),
          Timestamp.from(e.at()));
      case TARGET_RESOLVED, ROLLBACK_APPLIED -> update(c,
          "update runs set from_version = coalesce(?, from_version), to_version = coalesce(?, to_version)"
              + " where run_id = ?",
          d.get("from"), d.get("to"), batch.runId());
      case SLA_MEASURED -> update(c, "update runs set sla = ?, within_sla = ? where run_id = ?",
          d.get("sla"), d.get("withinSla") == null ? null : Boolean.valueOf(d.get("withinSla")), batch.runId());
      case RUN_FINISHED -> update(c,
          "update runs set finished_at = ?, outcome = ?, duration_ms = ?, from_version = coalesce(?, from_version),"
              + " to_version = coalesce(?, to_version), message = ? where run_id = ?",
          Timestamp.from(e.at()), d.get("outcome"),
          d.get("durationMs") == null ? null : Long.parseLong(d.get("durationMs")),
          d.get("from"), d.get("to"), e.detail(), batch.runId());
      case RELEASE_DEPLOYED -> ReleaseLedger.deployed(c, new ReleaseLedger.Deployed(
          d.get("service"), d.get("version"), d.get("schema"), e.at(), d.get("by"),
          d.getOrDefault("source", "rollback"), batch.workflowId(), batch.runId(), e.detail(),
          Boolean.parseBoolean(d.get("forced")), d.get("from"), batch.runId() + "/" + e.seq(), d.get("config"),
          d.get("configFrom")));
      case RELEASE_VERIFIED -> ReleaseLedger.verified(c, d.get("service"), d.get("version"), e.at(),
          batch.workflowId());
      default -> {
        // Kept in run_events only.
      }
    }
  }

  private static void step(Connection c, String runId, AuditEvent e, Map<String, String> d) throws SQLException {
    String state = switch (e.type()) {
      case STEP_STARTED -> "running";
      case STEP_SUCCEEDED -> d.getOrDefault("state", "succeeded");
      case STEP_FAILED -> "failed";
      default -> "skipped";
    };
    Integer attempts = d.get("attempt") != null ? Integer.valueOf(d.get("attempt"))
        : d.get("attempts") != null ? Integer.valueOf(d.get("attempts")) : null;
    update(c,
        "insert into steps (run_id, step, state, attempts, started_at, finished_at, error)"
            + " values (?, ?, ?, coalesce(?, 1), ?, ?, ?)"
            + " on conflict (run_id, step) do update set state = excluded.state,"
            + " attempts = greatest(steps.attempts, excluded.attempts),"
            + " started_at = coalesce(case when excluded.state = 'running' then excluded.started_at end, steps.started_at),"
            + " finished_at = case when excluded.state = 'running' then null else excluded.finished_at end,"
            + " error = excluded.error",
        runId, e.step(), state, attempts,
        e.type() == dev.runbook.workflows.activities.AuditEventType.STEP_STARTED ? Timestamp.from(e.at()) : null,
        e.type() == dev.runbook.workflows.activities.AuditEventType.STEP_STARTED ? null : Timestamp.from(e.at()),
        d.get("error"));
  }

  private static void vote(Connection c, String runId, AuditEvent e, String verdict) throws SQLException {
    update(c,
        "insert into approvals (run_id, seq, person, verdict, comment, at) values (?,?,?,?,?,?)",
        runId, e.seq(), e.actor() == null ? "unknown" : e.actor(), verdict, e.detail(), Timestamp.from(e.at()));
  }

  private static void update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  private static String toJson(Map<String, String> data) {
    try {
      return json.writeValueAsString(data == null ? Map.of() : data);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
