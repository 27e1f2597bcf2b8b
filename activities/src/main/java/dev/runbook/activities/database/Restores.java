package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.DatabaseActivities.RestoreResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup restored into this run's staging database, or into the live one: an archive (what
 * runs take, and imported custom, tar and directory dumps) with a parallel pg_restore, a plain
 * dump with psql in one transaction ({@link PlainLoads}). In place, the live database's schemas
 * are dropped first, so it holds what the backup holds and nothing else (pg_restore --clean
 * would leave what the backup does not have, and cannot drop a partition's inherited
 * constraints): in their own transaction before pg_restore, in the load's one transaction
 * before a plain dump, which a failed load then rolls back. Each records a completion marker as the
 * database's comment (pg_dump without --create does not dump database comments, so the marker
 * never travels inside a backup); a retry that finds the marker does nothing, a retry that finds
 * an unmarked staging database drops it and restores again. Neither starts before the backup is
 * known to hold the target database, or a cross-restore was asked for.
 */
final class Restores {
  private static final Logger log = LoggerFactory.getLogger(Restores.class);

  private final Backups backups;

  Restores(Backups backups) {
    this.backups = backups;
  }

  RestoreResult staged(
      ConfiguredDatabase db, String backupId, String runTag, String key, boolean crossRestore, boolean dryRun) {
    String live = db.live();
    String staging = PgNames.staging(live, runTag);
    BackupManifest backup = backups.restorable(db, backupId, crossRestore, key);
    Dump dump = Dump.of(db, backup);
    String marker = stagedMarker(backup.backupId());
    List<String> restore = dump.planned(db, staging, List.of());
    String comment = "COMMENT ON DATABASE " + PgNames.ident(staging) + " IS " + PgNames.literal(marker);
    // Dry runs read the state too (nothing is written), so the plan is the exact SQL.
    return db.client().onMaintenance("restore into " + staging, c -> {
      List<String> planned = new ArrayList<>();
      Optional<String> existing = PgClient.databaseComment(c, staging);
      if (existing.isPresent() && existing.get().equals(marker)) {
        return new RestoreResult(db.name(), staging, backup.backupId(), false,
            "already restored by an earlier attempt", List.of());
      }
      if (existing.isPresent()) {
        // An attempt that crashed or restored another backup: staging is ours, start over.
        planned.add(PgClient.terminateSql(staging));
        planned.add(PgClient.dropSql(staging));
      }
      String create = createLike(c, live, staging);
      planned.add(create);
      planned.addAll(restore);
      planned.add(comment);
      if (dryRun) {
        return new RestoreResult(db.name(), staging, backup.backupId(), false, "dry run", planned);
      }
      if (existing.isPresent()) {
        PgClient.drop(c, staging);
      }
      execute(c, create);
      try {
        runRestore(db, c, dump, staging, List.of());
        execute(c, comment);
      } catch (SQLException | RuntimeException | Error e) {
        dropQuietly(c, staging);
        throw e;
      }
      log.info("restored backup {} of {} into {}", backup.backupId(), db.name(), staging);
      return new RestoreResult(db.name(), staging, backup.backupId(), true,
          "restored into " + staging, planned);
    });
  }

  RestoreResult inPlace(ConfiguredDatabase db, String backupId, String key, boolean crossRestore, boolean dryRun) {
    String live = db.live();
    BackupManifest backup = backups.restorable(db, backupId, crossRestore, key);
    Dump dump = Dump.of(db, backup);
    String marker = inPlaceMarker(backup.backupId(), key);
    List<String> drops = db.client().onLive("read the schemas of " + live, Restores::dropSchemas);
    String comment = "COMMENT ON DATABASE " + PgNames.ident(live) + " IS " + PgNames.literal(marker);
    List<String> planned = new ArrayList<>();
    if (dump.format().archive()) {
      planned.add(Shell.display(db.tools().list(dump.path())));
    }
    planned.addAll(dump.planned(db, live, drops));
    planned.add(comment);
    if (dryRun) {
      return new RestoreResult(db.name(), live, backup.backupId(), false, "dry run", planned);
    }
    return db.client().onMaintenance("restore into " + live, c -> {
      Optional<String> existing = PgClient.databaseComment(c, live);
      if (existing.isPresent() && existing.get().equals(marker)) {
        return new RestoreResult(db.name(), live, backup.backupId(), false,
            "already restored by an earlier attempt", List.of());
      }
      if (dump.format().archive()) {
        // The drops commit before pg_restore runs: an archive it cannot even read drops nothing.
        requireReadable(db, dump);
        db.client().onLive("drop the schemas of " + live, live2 -> inOneTransaction(live2, drops));
        runRestore(db, c, dump, live, List.of());
      } else {
        runRestore(db, c, dump, live, drops);
      }
      execute(c, comment);
      log.info("restored backup {} of {} in place", backup.backupId(), db.name());
      return new RestoreResult(db.name(), live, backup.backupId(), true, "restored in place", planned);
    });
  }

  /** A backup's dump as a restore reads it: its format and where it is. */
  private record Dump(DumpFormat format, Path path, String backupId, String sha256) {
    static Dump of(ConfiguredDatabase db, BackupManifest backup) {
      DumpFormat format = DumpFormat.of(backup.format());
      Path dir = db.store().backupDir(db.name(), backup.backupId()).resolve(BackupStore.DUMP);
      return new Dump(format, format.in(dir), backup.backupId(), backup.sha256());
    }

    /** @param prelude what goes first: in its own transaction for an archive, in the load's for SQL */
    List<String> planned(ConfiguredDatabase db, String target, List<String> prelude) {
      if (format.plain()) {
        return PlainLoads.planned(db, format, path, target, prelude);
      }
      List<String> planned = new ArrayList<>();
      if (!prelude.isEmpty()) {
        planned.add("BEGIN");
        planned.addAll(prelude);
        planned.add("COMMIT");
      }
      planned.add(Shell.display(db.tools().restore(path, format, target)));
      return planned;
    }
  }

  /**
   * The statements that empty a database for an in-place restore: every schema dropped (the
   * dump creates its own), and {@code public} made again as the server makes it.
   */
  static List<String> dropSchemas(Connection live) throws SQLException {
    List<String> sql = new ArrayList<>();
    int version;
    try (Statement s = live.createStatement()) {
      try (ResultSet rs = s.executeQuery("select nspname from pg_namespace where nspname not like 'pg\\_%'"
          + " and nspname <> 'information_schema' order by nspname")) {
        while (rs.next()) {
          sql.add("DROP SCHEMA IF EXISTS " + PgNames.ident(rs.getString(1)) + " CASCADE;");
        }
      }
      try (ResultSet rs = s.executeQuery("select current_setting('server_version_num')::int")) {
        rs.next();
        version = rs.getInt(1);
      }
    }
    if (version >= 150000) {
      sql.add("CREATE SCHEMA public AUTHORIZATION pg_database_owner;");
      sql.add("GRANT USAGE ON SCHEMA public TO PUBLIC;");
    } else {
      sql.add("CREATE SCHEMA public;");
      sql.add("GRANT ALL ON SCHEMA public TO PUBLIC;");
    }
    sql.add("COMMENT ON SCHEMA public IS 'standard public schema';");
    return sql;
  }

  private static void requireReadable(ConfiguredDatabase db, Dump dump) {
    Heartbeat heartbeat = Heartbeat.current();
    CommandRunner.Result listed = db.tools().attempt(db.tools().list(dump.path()), heartbeat::tick, null, null);
    if (!listed.ok()) {
      throw Failures.of(FailureType.BACKUP_CORRUPT, "backup " + dump.backupId() + " of databases." + db.name()
          + " cannot be read by pg_restore --list (" + db.tools().errors(listed) + "): nothing was dropped or"
          + " restored; pick another backup");
    }
  }

  private static Void inOneTransaction(Connection c, List<String> statements) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
    return null;
  }

  /**
   * Runs pg_restore (or psql for a plain dump), heartbeating the target's size; a cancel kills it
   * (the runner does), and a psql killed before the end of its input commits nothing.
   */
  private static void runRestore(ConfiguredDatabase db, Connection c, Dump dump, String target, List<String> prelude)
      throws SQLException {
    Heartbeat heartbeat = Heartbeat.current();
    heartbeat.phase("restore");
    try (PreparedStatement size = c.prepareStatement(
        "select pg_database_size(oid) from pg_database where datname = ?")) {
      size.setString(1, target);
      Runnable tick = () -> heartbeat.beat(sizeOf(size));
      if (dump.format().archive()) {
        db.tools().run(db.tools().restore(dump.path(), dump.format(), target), "pg_restore into " + target,
            tick);
      } else {
        PlainLoads.load(db, dump.backupId(), dump.format(), dump.path(), dump.sha256(), target, prelude, tick);
      }
    }
  }

  private static long sizeOf(PreparedStatement size) {
    try (ResultSet rs = size.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      return 0; // progress only; the restore itself reports real errors
    }
  }

  /** CREATE DATABASE with the live database's encoding and locale, so the copy sorts the same. */
  private static String createLike(Connection c, String live, String target) throws SQLException {
    StringBuilder sql = new StringBuilder("CREATE DATABASE " + PgNames.ident(target) + " TEMPLATE template0");
    try (PreparedStatement ps = c.prepareStatement(
        "select pg_encoding_to_char(encoding), datcollate, datctype from pg_database where datname = ?")) {
      ps.setString(1, live);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          sql.append(" ENCODING ").append(PgNames.literal(rs.getString(1)))
              .append(" LC_COLLATE ").append(PgNames.literal(rs.getString(2)))
              .append(" LC_CTYPE ").append(PgNames.literal(rs.getString(3)));
        }
      }
    }
    return sql.toString();
  }

  static String stagedMarker(String backupId) {
    return "runbook: restore of backup " + backupId + " complete";
  }

  /** The key goes in as a digest: it is bounded and needs no quoting. */
  static String inPlaceMarker(String backupId, String key) {
    return "runbook: in-place restore of backup " + backupId + " complete (key " + digest(key) + ")";
  }

  private static String digest(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void dropQuietly(Connection c, String database) {
    try {
      PgClient.drop(c, database);
    } catch (SQLException | RuntimeException e) {
      log.warn("could not drop the partial restore {}: {}", database, e.getMessage());
    }
  }
}
