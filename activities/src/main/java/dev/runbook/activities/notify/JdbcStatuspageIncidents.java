package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.FailureType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/** The status page incidents in the audit database ({@code statuspage_incidents}). */
public final class JdbcStatuspageIncidents implements StatuspageIncidents {
  private final DataSource dataSource;

  public JdbcStatuspageIncidents(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Optional<Opened> find(String channel, String run) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("select incident_name, created_by_key,"
            + " create_sent_at, incident_id, resolved_at is not null from statuspage_incidents"
            + " where channel = ? and run = ?")) {
      s.setString(1, channel);
      s.setString(2, run);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Opened(rs.getString(1), rs.getString(2),
            rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getBoolean(5)));
      }
    } catch (SQLException e) {
      throw unavailable("read", e);
    }
  }

  @Override
  public void creating(String channel, String run, String name, String key) {
    update("insert into statuspage_incidents (channel, run, incident_name,"
        + " created_by_key) values (?, ?, ?, ?) on conflict do nothing", channel, run, name,
        key);
  }

  @Override
  public void created(String channel, String run, String incidentId) {
    update("update statuspage_incidents set incident_id = ? where channel = ? and run = ?",
        incidentId, channel, run);
  }

  @Override
  public void resolved(String channel, String run) {
    update("update statuspage_incidents set resolved_at = coalesce(resolved_at, now())"
        + " where channel = ? and run = ?", channel, run);
  }

  private void update(String sql, String... values) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        s.setString(i + 1, values[i]);
      }
      s.executeUpdate();
    } catch (SQLException e) {
      throw unavailable("write", e);
    }
  }

  private static DeliveryFailure unavailable(String what, SQLException e) {
    return new DeliveryFailure(FailureType.UNAVAILABLE, "could not " + what
        + " the status page incidents in the audit database (" + e.getMessage()
        + "): check that the database in audit.jdbcUrl is up");
  }
}
