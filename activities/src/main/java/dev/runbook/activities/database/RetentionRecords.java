package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.RetentionActivities.Leftover;
import dev.runbook.workflows.activities.RetentionActivities.Removal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What retention needs to remember, in the rollback log (V5): when each safety copy was made
 * (written by the swap, or dated when a cleanup first saw it), and every removal a cleanup made,
 * keyed by the cleanup's idempotency key.
 */
final class RetentionRecords {
  /** Who ran the work: the activity's run, when there is one. */
  record Origin(String workflowId, String runId) {
    /** The run of the activity on this thread; nobody's outside an activity (tests, tools). */
    static Origin current() {
      try {
        var info = io.temporal.activity.Activity.getExecutionContext().getInfo();
        return new Origin(info.getWorkflowId(), info.getRunId());
      } catch (IllegalStateException notInAnActivity) {
        return new Origin(null, null);
      }
    }
  }

  private final DataSource dataSource;

  RetentionRecords(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Records a safety copy; one already recorded keeps its first date. */
  void safetyCopy(String database, String physical, String live, String runTag, Origin origin, Instant at,
      String recordedBy) {
    update("record the safety copy " + physical + " of databases." + database,
        "insert into safety_copies (database, physical_name, live_name, run_tag, workflow_id, run_id, created_at,"
            + " recorded_by) values (?,?,?,?,?,?,?,?) on conflict (database, physical_name) do nothing",
        database, physical, live, runTag, origin.workflowId(), origin.runId(), Timestamp.from(at), recordedBy);
  }

  /** When a safety copy was made; {@code bySwap} false when a cleanup first saw it then. */
  record Made(Instant at, boolean bySwap) {}

  /** When each safety copy of the database not yet dropped was made, by its name on the server. */
  Map<String, Made> safetyCopies(String database) {
    Map<String, Made> out = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select physical_name, created_at, recorded_by from safety_copies"
            + " where database = ? and dropped_at is null")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new Made(rs.getTimestamp(2).toInstant(), "swap".equals(rs.getString(3))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw unavailable("read the safety copies of databases." + database, e);
    }
  }

  void safetyCopyDropped(String database, String physical, Instant at, String by) {
    update("mark the safety copy " + physical + " dropped",
        "update safety_copies set dropped_at = ?, dropped_by = ? where database = ? and physical_name = ?"
            + " and dropped_at is null",
        Timestamp.from(at), by, database, physical);
  }

  /** Records one removal of a cleanup (once per key). */
  void removal(String key, Removal r, String location, Origin origin) {
    update("record the removal of " + r.kind().label() + " " + r.name(),
        "insert into removals (idempotency_key, kind, database, name, why, location, removed_at, workflow_id,"
            + " run_id) values (?,?,?,?,?,?,?,?,?) on conflict do nothing",
        key, r.kind().name(), r.database(), r.name(), r.why(), location, Timestamp.from(r.at()), origin.workflowId(),
        origin.runId());
  }

  /** What the attempts with this key removed, in the order they removed it. */
  List<Removal> removals(String key) {
    List<Removal> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select kind, database, name, why, removed_at from removals"
            + " where idempotency_key = ? order by id")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Removal(Leftover.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getTimestamp(5).toInstant()));
        }
      }
      return out;
    } catch (SQLException e) {
      throw unavailable("read what cleanup " + key + " removed", e);
    }
  }

  private void update(String action, String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable(action, e);
    }
  }

  private static RuntimeException unavailable(String action, SQLException e) {
    return Failures.of(FailureType.UNAVAILABLE, "cannot " + action + " in the rollback log (" + e.getMessage()
        + "); will retry");
  }
}
