package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.FailureType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The delivery log in the audit database ({@code notification_deliveries}, created by the
 * Flyway migration); it outlives the worker, so a retry on another worker skips delivered
 * channels too.
 */
public final class JdbcDeliveryLog implements DeliveryLog {
  private final DataSource dataSource;

  public JdbcDeliveryLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Set<String> deliveredChannels(String key) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "select channel from notification_deliveries where idempotency_key = ?")) {
      s.setString(1, key);
      Set<String> channels = new LinkedHashSet<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          channels.add(rs.getString(1));
        }
      }
      return channels;
    } catch (SQLException e) {
      throw unavailable("read", e);
    }
  }

  @Override
  public void recordDelivery(String key, String channel) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "insert into notification_deliveries (idempotency_key, channel) values (?, ?)"
                + " on conflict do nothing")) {
      s.setString(1, key);
      s.setString(2, channel);
      s.executeUpdate();
    } catch (SQLException e) {
      throw unavailable("write", e);
    }
  }

  private static DeliveryFailure unavailable(String what, SQLException e) {
    return new DeliveryFailure(FailureType.UNAVAILABLE, "could not " + what
        + " the notification delivery log in the audit database (" + e.getMessage()
        + "): check that the database in audit.jdbcUrl is up");
  }
}
