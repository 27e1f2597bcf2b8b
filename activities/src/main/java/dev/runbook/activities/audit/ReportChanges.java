package dev.runbook.activities.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.workflows.model.IncidentReport.Backup;
import dev.runbook.workflows.model.IncidentReport.Backups;
import dev.runbook.workflows.model.IncidentReport.ConfigChange;
import dev.runbook.workflows.model.IncidentReport.Discarded;
import dev.runbook.workflows.model.IncidentReport.SchemaChange;
import dev.runbook.workflows.model.IncidentReport.Step;
import dev.runbook.workflows.model.IncidentReport.VersionChange;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a run changed, for its report: the versions each service moved between (its
 * RELEASE_DEPLOYED events and their release ledger rows), the schema a database run moved
 * between, the configuration snapshots (diffed by name: the snapshots keep keyed hashes of the
 * values, and the report never shows a value), and the backups a restore used and kept.
 */
final class ReportChanges {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCHEMA = "schema ";
  private static final String BACKUP = "backup ";

  private final Connection c;
  private final String runId;
  private final List<ReportRows.Event> events;
  private final List<Step> timeline;

  ReportChanges(Connection c, String runId, List<ReportRows.Event> events, List<Step> timeline) {
    this.c = c;
    this.runId = runId;
    this.events = events;
    this.timeline = timeline;
  }

  /**
   * Per deploy the run recorded, with the ledger's verification; a run that deployed nothing (a
   * dry run, one that stopped before) shows the versions it resolved for its one service, marked
   * as the run's own ("run").
   */
  List<VersionChange> versions(List<String> services, String runFrom, String runTo) throws SQLException {
    List<VersionChange> out = new ArrayList<>();
    for (ReportRows.Event e : events) {
      if (!e.type().equals("RELEASE_DEPLOYED")) {
        continue;
      }
      Map<String, String> d = e.data();
      Instant verified = null;
      try (PreparedStatement ps = c.prepareStatement("select verified_at from releases where record_key = ?")) {
        ps.setString(1, runId + "/" + e.seq());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            verified = ReportRows.instant(rs, "verified_at");
          }
        }
      }
      out.add(new VersionChange(d.get("service"), d.get("from"), d.get("version"), d.get("schema"),
          d.getOrDefault("source", "rollback"), d.get("by"), Boolean.parseBoolean(d.get("forced")), e.at(), verified));
    }
    boolean versionsOfItsOwn = (runFrom != null || runTo != null) && !isLabel(runFrom) && !isLabel(runTo);
    if (out.isEmpty() && services.size() == 1 && versionsOfItsOwn) {
      ReportRows.Event resolved = ReportRows.last(events, "TARGET_RESOLVED");
      out.add(new VersionChange(services.get(0), runFrom, runTo, null, "run", null, false,
          resolved == null ? null : resolved.at(), null));
    }
    return out;
  }

  /** The schema versions a database run moved between (a restore moves to its backup's schema). */
  SchemaChange schema() throws SQLException {
    ReportRows.Event resolved = null;
    for (ReportRows.Event e : events) {
      if (e.type().equals("TARGET_RESOLVED") && e.data().getOrDefault("from", "").startsWith(SCHEMA)) {
        resolved = e;
      }
    }
    if (resolved == null) {
      return null;
    }
    String from = resolved.data().get("from").substring(SCHEMA.length());
    String to = resolved.data().get("to");
    Backup used = used();
    if (to != null && to.startsWith(SCHEMA)) {
      to = to.substring(SCHEMA.length());
    } else {
      to = used == null ? null : used.schemaVersion();
    }
    String database = used != null ? used.database() : safety() == null ? null : safety().database();
    return new SchemaChange(database, from, to, resolved.at());
  }

  /** Per configuration restore: the snapshots' IDs and the names that differ between them. */
  List<ConfigChange> configs() throws SQLException {
    List<ConfigChange> out = new ArrayList<>();
    for (ReportRows.Event e : events) {
      Map<String, String> d = e.data();
      if (!e.type().equals("RELEASE_DEPLOYED") || d.get("config") == null || Objects.equals(d.get("config"),
          d.get("configFrom"))) {
        continue;
      }
      Map<String, String> to = names(d.get("config"));
      Map<String, String> from = d.get("configFrom") == null ? null : names(d.get("configFrom"));
      List<String> added = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      List<String> changed = new ArrayList<>();
      if (to != null && from != null) {
        for (String name : new TreeSet<>(to.keySet())) {
          if (!from.containsKey(name)) {
            added.add(name);
          } else if (!Objects.equals(from.get(name), to.get(name))) {
            changed.add(name);
          }
        }
        new TreeSet<>(from.keySet()).stream().filter(n -> !to.containsKey(n)).forEach(removed::add);
      }
      out.add(new ConfigChange(d.get("service"), d.get("configFrom"), d.get("config"), e.at(),
          to == null || from == null ? null : added, to == null || from == null ? null : removed,
          to == null || from == null ? null : changed));
    }
    return out;
  }

  /** The backup restored and the safety copy, with what a restore discarded as far as the log knows. */
  Backups backups() throws SQLException {
    Backup used = used();
    Backup safety = safety();
    if (used == null && safety == null) {
      return null;
    }
    Discarded discarded = null;
    if (used != null && restored() && used.takenAt() != null) {
      discarded = measured(used.takenAt(), safety != null ? safety.backupId() : swappedOut());
    }
    return new Backups(used, safety, discarded);
  }

  /** A staged swap's safety copy: the live database renamed, as the swap step named it. */
  private String swappedOut() {
    String kept = null;
    for (ReportRows.Event e : events) {
      if (e.type().equals("STEP_SUCCEEDED") && "swap".equals(e.step()) && e.detail() != null
          && e.detail().startsWith(dev.runbook.workflows.StagedSwap.KEPT_AS)) {
        kept = "database " + e.detail().substring(dev.runbook.workflows.StagedSwap.KEPT_AS.length());
      }
    }
    return kept;
  }

  /**
   * What the restore discarded: the last DISCARD_MEASURED event (the salvage kept with the writers
   * stopped, else the measurement shown to the approvers), or "not measured" when there is none.
   */
  private Discarded measured(java.time.Instant after, String keptBy) {
    ReportRows.Event last = null;
    for (ReportRows.Event e : events) {
      if (e.type().equals("DISCARD_MEASURED") && (last == null || !"true".equals(last.data().get("final"))
          || "true".equals(e.data().get("final")))) {
        last = e;
      }
    }
    if (last == null) {
      return new Discarded(after, keptBy, null);
    }
    List<dev.runbook.workflows.model.IncidentReport.TableRows> rows = new ArrayList<>();
    last.data().forEach((k, v) -> {
      if (k.startsWith("table:")) {
        String[] n = v.split(",");
        long ins = Long.parseLong(n[0]);
        long upd = Long.parseLong(n[1]);
        long del = Long.parseLong(n[2]);
        rows.add(new dev.runbook.workflows.model.IncidentReport.TableRows(k.substring("table:".length()), ins + upd + del, ins, upd, del));
      }
    });
    rows.sort(java.util.Comparator.comparingLong(dev.runbook.workflows.model.IncidentReport.TableRows::rows).reversed()
        .thenComparing(dev.runbook.workflows.model.IncidentReport.TableRows::table));
    return new Discarded(after, keptBy, rows, last.data().get("salvage"), last.data().get("script"));
  }

  /** The backup a restore resolved (its TARGET_RESOLVED moves to "backup ID"), as the backups table has it. */
  private Backup used() throws SQLException {
    String id = null;
    for (ReportRows.Event e : events) {
      String to = e.data().get("to");
      if (e.type().equals("TARGET_RESOLVED") && to != null && to.startsWith(BACKUP)) {
        id = to.substring(BACKUP.length());
      }
    }
    if (id == null) {
      return null;
    }
    Instant restoreStarted = timeline.stream()
        .filter(s -> s.step().equals("restore") || s.step().equals("restore-staging"))
        .map(Step::startedAt).filter(Objects::nonNull).findFirst().orElse(null);
    Backup b = backup("backup_id = ? order by created_at desc limit 1", id, restoreStarted);
    return b != null ? b : new Backup(id, null, null, null, null, null, null, null, null, null, null);
  }

  /** The copy this run took of the database before changing it. */
  private Backup safety() throws SQLException {
    return backup("run_id = ? and step in ('safety-backup', 'backup') order by created_at desc limit 1", runId, null);
  }

  /** True when the run's restore (in place, or the swap of a staged copy) went through. */
  private boolean restored() {
    return timeline.stream().anyMatch(s -> (s.step().equals("restore") || s.step().equals("swap"))
        && "succeeded".equals(s.state()));
  }

  private Backup backup(String where, String arg, Instant restoreStarted) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "select backup_id, database, system_identifier, host, port, physical_database, created_at, size_bytes,"
            + " schema_version, step from backups where " + where)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Instant taken = ReportRows.instant(rs, "created_at");
        return new Backup(rs.getString("backup_id"), rs.getString("database"), rs.getString("system_identifier"),
            rs.getString("host"), rs.getObject("port", Integer.class), rs.getString("physical_database"), taken,
            rs.getObject("size_bytes", Long.class), rs.getString("schema_version"), rs.getString("step"),
            restoreStarted == null || taken == null ? null : Duration.between(taken, restoreStarted).toMillis());
      }
    }
  }

  /** A snapshot's variable names with the keyed hashes of their values, or null when it is not recorded. */
  private Map<String, String> names(String snapshot) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select names::text from config_snapshots where id = ?")) {
      ps.setString(1, snapshot);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return JSON.readValue(rs.getString(1), new TypeReference<Map<String, String>>() {});
      }
    } catch (IOException e) {
      throw new IllegalStateException("configuration snapshot " + snapshot + " has names that are not JSON", e);
    }
  }

  private static boolean isLabel(String v) {
    return v != null && (v.startsWith(SCHEMA) || v.startsWith(BACKUP));
  }
}
