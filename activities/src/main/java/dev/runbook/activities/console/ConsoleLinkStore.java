package dev.runbook.activities.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The opened one-time console links in the rollback log (table console_link_uses): the first
 * opening of a nonce is recorded, every later one reads when that was. Insert-if-absent, so two API
 * servers opening the same link at once record one use and refuse the other.
 */
public final class ConsoleLinkStore {
  private final DataSource dataSource;

  public ConsoleLinkStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Empty when this opening is the first; else when the first was. */
  public Optional<Instant> use(String nonce, String workflowId, String person, Instant at) {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("insert into console_link_uses (nonce, workflow_id, person, used_at)"
          + " values (?, ?, ?, ?) on conflict (nonce) do nothing")) {
        ps.setString(1, nonce);
        ps.setString(2, workflowId);
        ps.setString(3, person);
        ps.setTimestamp(4, Timestamp.from(at));
        if (ps.executeUpdate() == 1) {
          return Optional.empty();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("select used_at from console_link_uses where nonce = ?")) {
        ps.setString(1, nonce);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalStateException("console link use vanished between insert and read");
          }
          return Optional.of(rs.getTimestamp(1).toInstant());
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot record the console link's use in the rollback log: " + e.getMessage(), e);
    }
  }
}
