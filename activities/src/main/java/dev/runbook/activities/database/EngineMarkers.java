package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.FailureType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The restore markers of {@code engine: command} databases, in the rollback log (V7): what the
 * last completed restore into a physical database was. They play the part a PostgreSQL database's
 * comment plays for its restores: a retry that finds its own marker does nothing.
 */
final class EngineMarkers {
  private final DataSource dataSource;

  EngineMarkers(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The marker of {@code target} (a physical name) of the configured database, if any. */
  Optional<String> get(String database, String target) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select marker from engine_markers where database = ? and target = ?")) {
      ps.setString(1, database);
      ps.setString(2, target);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw unavailable(database, e);
    }
  }

  /** Records (or replaces) the marker of {@code target}. */
  void put(String database, String target, String marker) {
    update(database, "insert into engine_markers (database, target, marker) values (?, ?, ?)"
        + " on conflict (database, target) do update set marker = excluded.marker, recorded_at = now()",
        database, target, marker);
  }

  void remove(String database, String target) {
    update(database, "delete from engine_markers where database = ? and target = ?", database, target);
  }

  private void update(String database, String sql, String... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable(database, e);
    }
  }

  private static io.temporal.failure.ApplicationFailure unavailable(String database, SQLException e) {
    return Failures.of(FailureType.UNAVAILABLE, "the rollback log cannot record or read the restore markers of"
        + " databases." + database + " (" + e.getMessage() + "); will retry");
  }
}
