package dev.runbook.activities.audit;

import dev.runbook.workflows.model.IncidentReport;
import dev.runbook.workflows.model.IncidentReport.Act;
import dev.runbook.workflows.model.IncidentReport.Kind;
import dev.runbook.workflows.model.IncidentReport.Notification;
import dev.runbook.workflows.model.IncidentReport.Sla;
import dev.runbook.workflows.model.IncidentReport.Step;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Builds a run's incident report from the rollback log: the runs row, its steps, votes,
 * decisions and events, the notifications delivered, and (through {@link ReportChanges}) the
 * versions, schema, configuration and backups it moved between. Only what was recorded goes in;
 * the run's live status from Temporal is the caller's to add while the run goes on.
 */
public final class IncidentReportStore {
  private final DataSource dataSource;
  private final ReportSources sources;
  private final Clock clock;

  public IncidentReportStore(DataSource dataSource, ReportSources sources, Clock clock) {
    this.dataSource = dataSource;
    this.sources = sources;
    this.clock = clock;
  }

  /** The report of the newest run with this workflow ID, or empty when the log has none. */
  public Optional<IncidentReport> report(String workflowId) {
    return report(workflowId, null);
  }

  /** @param runId one run of the workflow ID, or null for its newest */
  public Optional<IncidentReport> report(String workflowId, String runId) {
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // one consistent view
      try {
        Optional<IncidentReport> report = build(c, workflowId, runId);
        c.commit();
        return report;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the rollback log for " + workflowId + ": " + e.getMessage(), e);
    }
  }

  private Optional<IncidentReport> build(Connection c, String workflowId, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "select * from runs where workflow_id = ? and (?::text is null or run_id = ?)"
            + " order by started_at desc limit 1")) {
      ps.setString(1, workflowId);
      ps.setString(2, runId);
      ps.setString(3, runId);
      try (ResultSet r = ps.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        String run = r.getString("run_id");
        List<ReportRows.Event> events = ReportRows.events(c, run);
        List<Step> timeline = timeline(c, run, events);
        Array services = r.getArray("services");
        Kind kind = r.getString("drill") != null ? Kind.DRILL : r.getBoolean("dry_run") ? Kind.DRY_RUN : Kind.INCIDENT;
        ReportChanges changes = new ReportChanges(c, run, events, timeline);
        List<String> serviceList = services == null ? List.of() : Arrays.asList((String[]) services.getArray());
        return Optional.of(new IncidentReport(
            r.getString("workflow_id"), run, r.getString("runbook"), kind, r.getString("drill"),
            r.getString("severity"), serviceList, r.getString("incident_id"), r.getString("reason"),
            r.getString("requested_by"), ReportRows.instant(r, "started_at"), ReportRows.instant(r, "finished_at"),
            r.getObject("duration_ms", Long.class), r.getString("outcome"), r.getString("message"), null,
            timeline, people(c, r, events), changes.versions(serviceList, r.getString("from_version"),
                r.getString("to_version")),
            changes.schema(), changes.configs(), changes.backups(), sla(r, events), notifications(c, workflowId, run, events),
            sources.checklist(workflowId, run).orElse(null), clock.instant()));
      }
    }
  }

  /** Every step in the order it first appears in the run's events, with its title and last detail. */
  private static List<Step> timeline(Connection c, String run, List<ReportRows.Event> events) throws SQLException {
    Map<String, Long> first = new HashMap<>();
    Map<String, String> titles = new HashMap<>();
    Map<String, String> details = new HashMap<>();
    for (ReportRows.Event e : events) {
      if (e.step() == null || !(e.type().startsWith("STEP_") || e.type().equals("APPROVAL_REQUESTED"))) {
        continue;
      }
      first.putIfAbsent(e.step(), e.seq());
      if (e.type().equals("STEP_STARTED")) {
        titles.put(e.step(), e.detail());
      } else if (e.type().equals("STEP_SUCCEEDED") || e.type().equals("STEP_SKIPPED")) {
        details.put(e.step(), e.detail());
      }
    }
    List<Step> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "select step, state, attempts, started_at, finished_at, error from steps where run_id = ?")) {
      ps.setString(1, run);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          var started = ReportRows.instant(rs, "started_at");
          var finished = ReportRows.instant(rs, "finished_at");
          String step = rs.getString("step");
          out.add(new Step(step, titles.get(step), rs.getString("state"), rs.getInt("attempts"), started, finished,
              started == null || finished == null ? null : Duration.between(started, finished).toMillis(),
              rs.getString("error"), details.get(step)));
        }
      }
    }
    approvalWait(events, out);
    out.sort(Comparator.comparing((Step s) -> first.getOrDefault(s.step(), Long.MAX_VALUE)));
    return out;
  }

  /**
   * The wait for approval, which the steps table has only when it was skipped or timed out: from
   * the request to the vote that ended it (a rejection, or the last approval), else still waiting.
   */
  private static void approvalWait(List<ReportRows.Event> events, List<Step> out) {
    ReportRows.Event asked = ReportRows.last(events, "APPROVAL_REQUESTED");
    if (asked == null || out.stream().anyMatch(s -> s.step().equals(asked.step()))) {
      return;
    }
    // A request made again after the plan changed starts a new round: only votes after it count.
    // The gate's first request is logged once it has been sent, so a vote that came while it was
    // being sent (the run already said it waits) can be logged just before it: it counts.
    boolean again = asked.data().containsKey("lapsed");
    ReportRows.Event ended = null;
    for (ReportRows.Event e : events) {
      boolean vote = e.type().equals("APPROVED") || e.type().equals("REJECTED");
      if (vote && (!again || e.seq() > asked.seq()) && (ended == null || ended.type().equals("APPROVED"))) {
        ended = e;
      }
    }
    String state = ended == null ? "waiting" : ended.type().equals("APPROVED") ? "approved" : "rejected";
    java.time.Instant from = ended != null && ended.at().isBefore(asked.at()) ? ended.at() : asked.at();
    out.add(new Step(asked.step(), "Approval: " + asked.detail(), state, 1, from,
        ended == null ? null : ended.at(),
        ended == null ? null : Duration.between(from, ended.at()).toMillis(), null,
        ended == null ? null : state + " by " + ended.actor()));
  }

  /** The requester, the votes and decisions, and the cancellations, arming and escalations, oldest first. */
  private static List<Act> people(Connection c, ResultSet run, List<ReportRows.Event> events) throws SQLException {
    record Seq(long seq, Act act) {}
    List<Seq> acts = new ArrayList<>();
    if (run.getString("requested_by") != null) {
      acts.add(new Seq(0, new Act(ReportRows.instant(run, "started_at"), run.getString("requested_by"), "requested",
          null, null, run.getString("reason"))));
    }
    String id = run.getString("run_id");
    try (PreparedStatement ps = c.prepareStatement(
        "select seq, person, verdict, comment, at from approvals where run_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          acts.add(new Seq(rs.getLong("seq"), new Act(ReportRows.instant(rs, "at"), rs.getString("person"),
              rs.getString("verdict"), "approval", null, rs.getString("comment"))));
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "select seq, person, step, action, comment, at from decisions where run_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          acts.add(new Seq(rs.getLong("seq"), new Act(ReportRows.instant(rs, "at"), rs.getString("person"), "decided",
              rs.getString("step"), rs.getString("action"), rs.getString("comment"))));
        }
      }
    }
    for (ReportRows.Event e : events) {
      String act = switch (e.type()) {
        case "CANCEL_REQUESTED" -> "cancel requested";
        case "ESCALATED" -> "escalated";
        case "ARMED" -> "armed";
        case "DISARMED" -> "disarmed";
        default -> null;
      };
      if (act != null) {
        String who = e.actor() != null ? e.actor() : e.data().get("by");
        acts.add(new Seq(e.seq(), new Act(e.at(), who, act, e.step(), null, e.detail())));
      }
    }
    acts.sort(Comparator.comparing((Seq s) -> s.act().at()).thenComparingLong(Seq::seq));
    return acts.stream().map(Seq::act).toList();
  }

  private static Sla sla(ResultSet run, List<ReportRows.Event> events) throws SQLException {
    ReportRows.Event measured = ReportRows.last(events, "SLA_MEASURED");
    if (run.getString("sla") == null && measured == null) {
      return null;
    }
    Map<String, String> d = measured == null ? Map.of() : measured.data();
    return new Sla(run.getString("sla") != null ? run.getString("sla") : d.get("sla"),
        run.getObject("within_sla", Boolean.class), ReportRows.number(d.get("slaMs")), ReportRows.number(d.get("tookMs")),
        measured == null ? null : measured.at());
  }

  /**
   * The deliveries of the run's messages: their idempotency keys start with the workflow and run
   * IDs and end with the message's number and kind ({@code 3-resolved}); plus the messages that
   * could not be delivered.
   */
  private static List<Notification> notifications(Connection c, String workflowId, String run,
      List<ReportRows.Event> events) throws SQLException {
    List<Notification> out = new ArrayList<>();
    String prefix = workflowId + "/" + run + "/";
    try (PreparedStatement ps = c.prepareStatement(
        "select idempotency_key, channel, delivered_at from notification_deliveries"
            + " where left(idempotency_key, ?) = ? order by delivered_at, idempotency_key, channel")) {
      ps.setInt(1, prefix.length());
      ps.setString(2, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String message = rs.getString("idempotency_key").substring(prefix.length());
          int dash = message.indexOf('-');
          String kind = (dash < 0 ? message : message.substring(dash + 1)).replace('_', ' ');
          out.add(new Notification(ReportRows.instant(rs, "delivered_at"), kind, rs.getString("channel"), null));
        }
      }
    }
    for (ReportRows.Event e : events) {
      if (e.type().equals("NOTIFICATION_FAILED")) {
        String kind = e.data().get("kind");
        out.add(new Notification(e.at(), kind == null ? null : kind.toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
            null, e.detail()));
      }
    }
    out.sort(Comparator.comparing(Notification::at));
    return out;
  }
}
