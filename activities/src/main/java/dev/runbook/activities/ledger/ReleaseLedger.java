package dev.runbook.activities.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The release ledger in the rollback log's PostgreSQL (table {@code releases}). Runs write it
 * through their rollback-log events (see {@code AuditActivitiesImpl}), CI/CD through {@link
 * #record}; target selection reads it through {@link #history}.
 */
public final class ReleaseLedger {
  /** How many of a service's releases are read to choose a target: far more than ever matter. */
  static final int HISTORY_LIMIT = 500;

  private final DataSource dataSource;
  private final Clock clock;

  public ReleaseLedger(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /**
   * A deploy a rollback made (or undid), as its run recorded it.
   *
   * @param rolledBackFrom the version the rollback moved away from (marked rolled back from)
   * @param configSnapshot the configuration the service runs with from now on, or null
   * @param configRolledBackFrom the configuration the rollback moved away from (marked rolled back
   *     from; a configuration-only rollback leaves a configuration, not a version), or null
   */
  public record Deployed(
      String service,
      String version,
      String schemaVersion,
      Instant at,
      String by,
      String source,
      String workflowId,
      String runId,
      String reason,
      boolean forced,
      String rolledBackFrom,
      String key,
      String configSnapshot,
      String configRolledBackFrom) {

    public Deployed(String service, String version, String schemaVersion, Instant at, String by, String source,
        String workflowId, String runId, String reason, boolean forced, String rolledBackFrom, String key) {
      this(service, version, schemaVersion, at, by, source, workflowId, runId, reason, forced, rolledBackFrom, key,
          null, null);
    }
  }

  /**
   * A deploy CI/CD made and records: {@code runbook record deploy}, {@code POST /api/v1/deploys}.
   *
   * @param configSnapshot the configuration a worker snapshotted when the deploy was recorded, or
   *     null for a service without configuration
   */
  public record Recorded(String service, String version, String schemaVersion, String by, boolean verified, String key,
      String configSnapshot) {

    public Recorded(String service, String version, String schemaVersion, String by, boolean verified, String key) {
      this(service, version, schemaVersion, by, verified, key, null);
    }
  }

  /** What {@link #record} did: the release, and whether it was new. */
  public record RecordResult(Release release, boolean created) {}

  public ReleaseHistory history(String service, Duration soak) {
    try (Connection c = dataSource.getConnection()) {
      return new ReleaseHistory(service, read(c, service), soak, clock.instant());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the release ledger of " + service + ": " + e.getMessage(), e);
    }
  }

  /**
   * Records a deploy made outside the product. Recording the version that is already the newest
   * release again, with the same configuration, changes nothing (a retried CI job), but may mark
   * it verified; the same version with another configuration is a new release.
   */
  public RecordResult record(Recorded r) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<Release> rows = read(c, r.service());
        Optional<Release> newest = rows.stream().findFirst();
        Instant now = clock.instant();
        boolean created = false;
        if (r.key() != null && exists(c, "recorded/" + r.key())) {
          created = false;
        } else if (newest.isPresent() && newest.get().version().equals(r.version()) && !newest.get().rolledBackFrom()
            && java.util.Objects.equals(newest.get().configSnapshot(), r.configSnapshot())) {
          created = false;
        } else {
          insert(c, new Deployed(r.service(), r.version(), r.schemaVersion(), now, r.by(), "recorded", null, null,
              null, false, null, "recorded/" + (r.key() != null ? r.key() : r.service() + "/" + r.version() + "/" + now),
              r.configSnapshot(), null));
          created = true;
        }
        if (r.verified()) {
          markVerified(c, r.service(), r.version(), now, r.by());
        }
        c.commit();
        return new RecordResult(read(c, r.service()).stream()
            .filter(x -> x.version().equals(r.version())).findFirst().orElseThrow(), created);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot record the deploy of " + r.service() + " " + r.version()
          + " in the release ledger: " + e.getMessage(), e);
    }
  }

  /**
   * Records a rollback's deploy, in the caller's transaction: the new release, and the version (or
   * the configuration) it moved away from as rolled back from. Does nothing when the key is
   * already there.
   */
  public static void deployed(Connection c, Deployed d) throws SQLException {
    if (exists(c, d.key())) {
      return;
    }
    leaveConfig(c, d);
    String from = d.rolledBackFrom();
    if (from != null && !from.equals(d.version())) {
      int marked = update(c,
          "update releases set rolled_back_at = ?, rolled_back_by = ?, rolled_back_run = ?, rollback_reason = ?"
              + " where id = (select id from releases where service = ? and version = ?"
              + " order by deployed_at desc, id desc limit 1) and rolled_back_at is null",
          Timestamp.from(d.at()), d.workflowId(), d.runId(), d.reason(), d.service(), from);
      if (marked == 0 && !versionKnown(c, d.service(), from)) {
        // Running before any record of it: note that it ran, and that the rollback left it.
        insert(c, new Deployed(d.service(), from, null, d.at(), "unknown", "observed", null, null, null, false,
            null, d.key() + "/observed"));
        update(c,
            "update releases set rolled_back_at = ?, rolled_back_by = ?, rolled_back_run = ?, rollback_reason = ?"
                + " where record_key = ?",
            Timestamp.from(d.at()), d.workflowId(), d.runId(), d.reason(), d.key() + "/observed");
      }
    }
    insert(c, d);
  }

  /**
   * Marks the configuration the rollback left rolled back from: on the newest release that ran
   * it, or on a row noting that it ran (observed) when no release had it, as for versions.
   */
  private static void leaveConfig(Connection c, Deployed d) throws SQLException {
    String from = d.configRolledBackFrom();
    if (from == null || from.equals(d.configSnapshot())) {
      return;
    }
    String mark = "update releases set config_rolled_back_at = ?, config_rolled_back_by = ?, config_rolled_back_run = ?,"
        + " config_rollback_reason = ? where ";
    int marked = update(c, mark + "id = (select id from releases where service = ? and config_snapshot = ?"
            + " order by deployed_at desc, id desc limit 1) and config_rolled_back_at is null",
        Timestamp.from(d.at()), d.workflowId(), d.runId(), d.reason(), d.service(), from);
    if (marked == 0 && !configKnown(c, d.service(), from)) {
      String running = d.rolledBackFrom() != null ? d.rolledBackFrom() : d.version();
      insert(c, new Deployed(d.service(), running, null, d.at(), "unknown", "observed", null, null, null, false,
          null, d.key() + "/observed-config", from, null));
      update(c, mark + "record_key = ?", Timestamp.from(d.at()), d.workflowId(), d.runId(), d.reason(),
          d.key() + "/observed-config");
    }
  }

  private static boolean configKnown(Connection c, String service, String snapshot) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select 1 from releases where service = ? and config_snapshot = ?")) {
      ps.setString(1, service);
      ps.setString(2, snapshot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Marks the newest release of a version verified healthy, in the caller's transaction. */
  public static void verified(Connection c, String service, String version, Instant at, String by) throws SQLException {
    markVerified(c, service, version, at, by);
  }

  private static void markVerified(Connection c, String service, String version, Instant at, String by)
      throws SQLException {
    update(c,
        "update releases set verified_at = ?, verified_by = ? where id = (select id from releases"
            + " where service = ? and version = ? order by deployed_at desc, id desc limit 1) and verified_at is null",
        Timestamp.from(at), by, service, version);
  }

  private static void insert(Connection c, Deployed d) throws SQLException {
    update(c,
        "insert into releases (service, version, schema_version, deployed_at, deployed_by, source, workflow_id,"
            + " run_id, reason, forced, record_key, config_snapshot) values (?,?,?,?,?,?,?,?,?,?,?,?)"
            + " on conflict (record_key) do nothing",
        d.service(), d.version(), d.schemaVersion(), Timestamp.from(d.at()), d.by() == null ? "unknown" : d.by(),
        d.source(), d.workflowId(), d.runId(), d.reason(), d.forced(), d.key(), d.configSnapshot());
  }

  private static boolean exists(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select 1 from releases where record_key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean versionKnown(Connection c, String service, String version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select 1 from releases where service = ? and version = ?")) {
      ps.setString(1, service);
      ps.setString(2, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static List<Release> read(Connection c, String service) throws SQLException {
    List<Release> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "select id, service, version, schema_version, deployed_at, deployed_by, source, workflow_id, reason,"
            + " forced, verified_at, verified_by, rolled_back_at, rolled_back_by, rollback_reason, config_snapshot,"
            + " config_rolled_back_at, config_rolled_back_by, config_rollback_reason"
            + " from releases where service = ? order by deployed_at desc, id desc limit " + HISTORY_LIMIT)) {
      ps.setString(1, service);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Release(
              rs.getLong("id"),
              rs.getString("service"),
              rs.getString("version"),
              rs.getString("schema_version"),
              instant(rs.getTimestamp("deployed_at")),
              rs.getString("deployed_by"),
              rs.getString("source"),
              rs.getString("workflow_id"),
              rs.getString("reason"),
              rs.getBoolean("forced"),
              instant(rs.getTimestamp("verified_at")),
              rs.getString("verified_by"),
              instant(rs.getTimestamp("rolled_back_at")),
              rs.getString("rolled_back_by"),
              rs.getString("rollback_reason"),
              rs.getString("config_snapshot"),
              instant(rs.getTimestamp("config_rolled_back_at")),
              rs.getString("config_rolled_back_by"),
              rs.getString("config_rollback_reason")));
        }
      }
    }
    return out;
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
