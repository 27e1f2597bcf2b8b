package dev.runbook.activities.audit;

import dev.runbook.workflows.model.RollbackLogEntry;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the rollback log: newest runs first, optionally for one service, only open runs or no
 * drills' runs. A run shows the versions it moves between as soon as it has written them, before
 * it ends.
 */
public final class RollbackLogStore {
  /**
   * A run that has not finished but has applied and verified its rollback, and said it watches
   * health next, is only monitoring.
   */
  private static final String MONITORING = "(finished_at is null and exists (select 1 from run_events e"
      + " where e.run_id = runs.run_id and e.type = 'ROLLBACK_APPLIED' and e.data->>'monitorFor' is not null))";

  private final DataSource dataSource;

  public RollbackLogStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * @param service only runs that acted on this service, or null for all
   * @param openOnly only runs that have not finished
   */
  public List<RollbackLogEntry> recent(int limit, String service, boolean openOnly) {
    return recent(limit, service, openOnly, true);
  }

  /**
   * @param service only runs that acted on this service, or null for all
   * @param openOnly only runs that have not finished
   * @param drills false to leave out the runs drills started
   */
  public List<RollbackLogEntry> recent(int limit, String service, boolean openOnly, boolean drills) {
    String sql = "select workflow_id, run_id, runbook, severity, services, started_at, finished_at,"
        + " from_version, to_version, reason, requested_by, incident_id, dry_run, duration_ms, outcome, message, sla,"
        + " drill, " + MONITORING + " as monitoring"
        + " from runs where (?::text is null or ? = any(services))"
        + (openOnly ? " and finished_at is null" : "")
        + (drills ? "" : " and drill is null")
        + " order by started_at desc limit ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, service);
      ps.setString(2, service);
      ps.setInt(3, Math.max(1, Math.min(limit, 10_000)));
      List<RollbackLogEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array services = rs.getArray("services");
          Long duration = rs.getObject("duration_ms", Long.class);
          out.add(new RollbackLogEntry(
              rs.getString("workflow_id"),
              rs.getString("run_id"),
              rs.getString("runbook"),
              rs.getString("severity"),
              services == null ? List.of() : Arrays.asList((String[]) services.getArray()),
              instant(rs.getTimestamp("started_at")),
              instant(rs.getTimestamp("finished_at")),
              rs.getString("from_version"),
              rs.getString("to_version"),
              rs.getString("reason"),
              rs.getString("requested_by"),
              rs.getString("incident_id"),
              rs.getBoolean("dry_run"),
              duration,
              rs.getString("outcome"),
              rs.getString("message"),
              rs.getBoolean("monitoring"),
              rs.getString("sla"),
              rs.getString("drill")));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the rollback log: " + e.getMessage(), e);
    }
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
