package dev.runbook.activities.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A run's liveness from the rollback log (every run records itself there before it makes a
 * staging database), and, for a run the log still shows open, from the Temporal server: a run
 * terminated from outside never writes its end, and a dev server forgets its runs when it stops.
 */
public final class LoggedRunLiveness implements RunLiveness {
  /** What the Temporal server says of a run the log shows open. */
  @FunctionalInterface
  public interface Server {
    /** @return whether it is still running; empty when the server does not know it */
    Optional<Boolean> running(String workflowId, String runId);
  }

  private record Row(String workflowId, String runId, String outcome, boolean finished) {}

  private final DataSource rollbackLog;
  private final Server server;

  public LoggedRunLiveness(DataSource rollbackLog, Server server) {
    this.rollbackLog = rollbackLog;
    this.server = server;
  }

  @Override
  public Run of(String runTag) {
    List<Row> rows = rows(runTag);
    if (rows.isEmpty()) {
      return new Run(State.UNKNOWN, null, "no run with the tag " + runTag + " is in the rollback log");
    }
    Run verdict = null;
    for (Row r : rows) {
      Run now;
      if (r.finished()) {
        now = new Run(State.ENDED, r.workflowId(), "its run " + r.workflowId() + " ended ("
            + (r.outcome() == null ? "outcome not recorded" : r.outcome()) + ")");
      } else {
        Optional<Boolean> running = server.running(r.workflowId(), r.runId());
        now = running.isEmpty()
            ? new Run(State.GONE, r.workflowId(), "its run " + r.workflowId() + " no longer exists on the Temporal server")
            : running.get()
                ? new Run(State.RUNNING, r.workflowId(), "its run " + r.workflowId() + " still goes on")
                : new Run(State.ENDED, r.workflowId(), "its run " + r.workflowId() + " has ended (stopped from outside)");
      }
      // Two runs with one tag: one that goes on keeps what is theirs.
      if (verdict == null || now.state() == State.RUNNING) {
        verdict = now;
      }
    }
    return verdict;
  }

  private List<Row> rows(String runTag) {
    try (Connection c = rollbackLog.getConnection();
        PreparedStatement ps = c.prepareStatement("select workflow_id, run_id, outcome, finished_at is not null"
            + " from runs where right(replace(lower(run_id), '-', ''), 8) = ? order by started_at desc")) {
      ps.setString(1, runTag);
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw dev.runbook.activities.Failures.of(dev.runbook.workflows.activities.FailureType.UNAVAILABLE,
          "cannot read the rollback log to tell whether run " + runTag + " goes on (" + e.getMessage() + "); will retry");
    }
  }
}
