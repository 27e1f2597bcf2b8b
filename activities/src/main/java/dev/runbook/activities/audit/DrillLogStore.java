package dev.runbook.activities.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.DrillReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the drills table that {@link DrillActivitiesImpl} writes: newest first, optionally for one
 * target, each with its report read back as it was stored.
 */
public final class DrillLogStore {
  private static final String COLUMNS = "select workflow_id, runbook, target, requested_by, approver, bad_version,"
      + " detection, started_at, finished_at, outcome, message, rollback_workflow_id, time_to_detect_ms,"
      + " time_to_rollback_ms, sla_ms, sla_met, sla_difference_ms, restored, approval, manual_interventions,"
      + " report::text as report, break_with from drills";

  private final DataSource dataSource;

  public DrillLogStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** @param target only drills of this staging target, or null for all */
  public List<DrillLogEntry> recent(int limit, String target) {
    return query(COLUMNS + " where (?::text is null or target = ?) order by started_at desc, workflow_id desc limit ?",
        target, target, Math.max(1, Math.min(limit, 10_000)));
  }

  public Optional<DrillLogEntry> find(String workflowId) {
    return query(COLUMNS + " where workflow_id = ?", workflowId).stream().findFirst();
  }

  private List<DrillLogEntry> query(String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<DrillLogEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new DrillLogEntry(
              rs.getString("workflow_id"),
              rs.getString("runbook"),
              rs.getString("target"),
              rs.getString("requested_by"),
              rs.getString("approver"),
              rs.getString("bad_version"),
              rs.getString("detection"),
              instant(rs.getTimestamp("started_at")),
              instant(rs.getTimestamp("finished_at")),
              rs.getString("outcome"),
              rs.getString("message"),
              rs.getString("rollback_workflow_id"),
              duration(rs, "time_to_detect_ms"),
              duration(rs, "time_to_rollback_ms"),
              duration(rs, "sla_ms"),
              rs.getObject("sla_met", Boolean.class),
              duration(rs, "sla_difference_ms"),
              rs.getObject("restored", Boolean.class),
              rs.getString("approval"),
              rs.getObject("manual_interventions", Integer.class),
              report(rs.getString("workflow_id"), rs.getString("report")),
              rs.getString("break_with")));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the drills table: " + e.getMessage(), e);
    }
  }

  private static DrillReport report(String workflowId, String json) {
    if (json == null) {
      return null;
    }
    try {
      return DrillActivitiesImpl.JSON.readValue(json, DrillReport.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the stored report of drill " + workflowId + " cannot be read: "
          + e.getOriginalMessage(), e);
    }
  }

  private static Duration duration(ResultSet rs, String column) throws SQLException {
    Long ms = rs.getObject(column, Long.class);
    return ms == null ? null : Duration.ofMillis(ms);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
