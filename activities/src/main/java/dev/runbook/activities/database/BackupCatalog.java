package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.BackupRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The backups table of the rollback log (V3): one row per backup directory, written by the backup
 * activity when a backup is published (and again, harmlessly, when a retry finds it done), marked
 * when retention removes the files, and read newest first by {@code runbook backups} and the API.
 */
public final class BackupCatalog {
  public static final int MAX_LIMIT = 10_000;

  /**
   * Who took a backup and where: the run and step (from the activity's context and key), and the
   * machine whose disk holds it.
   */
  record Origin(String workflowId, String runId, String step, String workerHost) {}

  private final DataSource dataSource;

  public BackupCatalog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The rollback log's database, where retention keeps its records beside this table. */
  DataSource dataSource() {
    return dataSource;
  }

  /** Records a published backup; a row for the same directory is left as it is. */
  void record(BackupManifest m, Path location, Origin origin) {
    String sql = "insert into backups (location, worker_host, database, backup_id, system_identifier, host, port,"
        + " physical_database, created_at, size_bytes, sha256, schema_version, verified, idempotency_key,"
        + " workflow_id, run_id, step) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        + " on conflict (location) do nothing";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, location.toAbsolutePath().normalize().toString());
      ps.setString(2, origin.workerHost());
      ps.setString(3, m.database());
      ps.setString(4, m.backupId());
      ps.setString(5, m.systemIdentifier());
      ps.setString(6, m.host());
      if (m.port() == null) {
        ps.setNull(7, Types.INTEGER);
      } else {
        ps.setInt(7, m.port());
      }
      ps.setString(8, m.physicalDatabase());
      ps.setTimestamp(9, Timestamp.from(m.createdAt()));
      ps.setLong(10, m.sizeBytes());
      ps.setString(11, m.sha256());
      ps.setString(12, m.schemaVersion());
      ps.setBoolean(13, m.verified());
      ps.setString(14, m.key());
      ps.setString(15, origin.workflowId());
      ps.setString(16, origin.runId());
      ps.setString(17, origin.step());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw Failures.of(FailureType.UNAVAILABLE, "backup " + m.backupId() + " of databases." + m.database()
          + " is taken, but the rollback log cannot record it (" + e.getMessage() + "); will retry");
    }
  }

  /** Marks a backup's files as removed by retention (once: the first time is kept). */
  void removed(Path location, Instant at) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "update backups set removed_at = ? where location = ? and removed_at is null")) {
      ps.setTimestamp(1, Timestamp.from(at));
      ps.setString(2, location.toAbsolutePath().normalize().toString());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot mark the removed backup " + location + " in the rollback log: "
          + e.getMessage(), e);
    }
  }

  /**
   * The backups, newest first, those removed since included (with the time).
   *
   * @param database only this configured database's, or null for all
   */
  public List<BackupRecord> list(String database, int limit) {
    String sql = "select backup_id, database, system_identifier, host, port, physical_database, created_at,"
        + " size_bytes, sha256, schema_version, verified, workflow_id, run_id, step, worker_host, location,"
        + " removed_at from backups where (?::text is null or database = ?)"
        + " order by created_at desc, backup_id limit ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, database);
      ps.setString(2, database);
      ps.setInt(3, Math.max(1, Math.min(limit, MAX_LIMIT)));
      List<BackupRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new BackupRecord(
              rs.getString("backup_id"),
              rs.getString("database"),
              rs.getString("system_identifier"),
              rs.getString("host"),
              rs.getObject("port", Integer.class),
              rs.getString("physical_database"),
              instant(rs.getTimestamp("created_at")),
              rs.getLong("size_bytes"),
              rs.getString("sha256"),
              rs.getString("schema_version"),
              rs.getBoolean("verified"),
              rs.getString("workflow_id"),
              rs.getString("run_id"),
              rs.getString("step"),
              rs.getString("worker_host"),
              rs.getString("location"),
              instant(rs.getTimestamp("removed_at"))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the backups from the rollback log: " + e.getMessage(), e);
    }
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
