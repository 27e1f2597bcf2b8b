package dev.runbook.activities.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The configuration snapshots in the rollback log's PostgreSQL (table {@code config_snapshots}):
 * each one's variable names with short keyed hashes of their values, and its content sealed. A
 * snapshot is named by its content, so saving the same one again changes nothing.
 */
public final class ConfigSnapshots {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param names each variable and the short keyed hash of its value
   * @param sealed the content, sealed with the key {@code keyId} names
   */
  public record Stored(
      String id,
      String service,
      String kind,
      Map<String, String> names,
      byte[] sealed,
      String keyId,
      Instant takenAt,
      String takenBy) {
    @Override
    public String toString() {
      return "Stored[" + id + ", " + service + ", " + kind + ", " + names.size() + " variables, key " + keyId + "]";
    }
  }

  private final DataSource dataSource;

  public ConfigSnapshots(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Keeps a snapshot; one that is there already (the same content) is left as it was. */
  public void save(Stored s) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "insert into config_snapshots (id, service, kind, names, sealed, key_id, taken_at, taken_by)"
                + " values (?,?,?,?::jsonb,?,?,?,?) on conflict (id) do nothing")) {
      ps.setString(1, s.id());
      ps.setString(2, s.service());
      ps.setString(3, s.kind());
      ps.setString(4, JSON.writeValueAsString(new TreeMap<>(s.names())));
      ps.setBytes(5, s.sealed());
      ps.setString(6, s.keyId());
      ps.setTimestamp(7, Timestamp.from(s.takenAt()));
      ps.setString(8, s.takenBy());
      ps.executeUpdate();
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot keep the configuration snapshot " + s.id() + ": " + e.getMessage(), e);
    }
  }

  public Optional<Stored> find(String id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select id, service, kind, names::text, sealed, key_id, taken_at, taken_by from config_snapshots where id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Stored(rs.getString(1), rs.getString(2), rs.getString(3),
            JSON.readValue(rs.getString(4), new TypeReference<TreeMap<String, String>>() {}), rs.getBytes(5),
            rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getString(8)));
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot read the configuration snapshot " + id + ": " + e.getMessage(), e);
    }
  }
}
