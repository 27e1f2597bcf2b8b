package dev.runbook.activities.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads from a database's catalog what the discard measurement compares: the user tables (every
 * schema but the system ones; tables of extensions, partitions, which their parent covers, and
 * the migration tool's history table left out), and the write counters of {@code
 * pg_stat_user_tables}.
 */
final class LiveTables {
  /** Timestamp columns that date a change, best first: an update time beats a creation time. */
  static final List<String> NEWEST_COLUMNS =
      List.of("updated_at", "modified_at", "changed_at", "created_at", "inserted_at");

  private static final String TABLES = """
      select c.oid, n.nspname, c.relname, c.relkind
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and not c.relispartition
         and n.nspname not in ('pg_catalog', 'information_schema')
         and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'
         and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                          and d.objid = c.oid and d.deptype = 'e')
       order by n.nspname, c.relname""";

  private static final String COLUMNS = """
      select a.attname, a.attgenerated <> '' as generated, t.typname,
             coalesce((select k.n from unnest(i.indkey::int2[]) with ordinality k(att, n)
                       where k.att = a.attnum), 0) as key_position
        from pg_attribute a join pg_type t on t.oid = a.atttypid
        left join pg_index i on i.indrelid = a.attrelid and i.indisprimary
       where a.attrelid = ? and a.attnum > 0 and not a.attisdropped
       order by a.attnum""";

  private LiveTables() {}

  /**
   * @param historyTable the migration history table ({@code name} or {@code schema.name}), or null
   */
  static List<TableShape> read(Connection c, String historyTable) throws SQLException {
    List<TableShape> tables = new ArrayList<>();
    List<long[]> oids = new ArrayList<>();
    List<String[]> names = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TABLES)) {
      while (rs.next()) {
        if (!isHistory(rs.getString(2), rs.getString(3), historyTable)) {
          oids.add(new long[] {rs.getLong(1)});
          names.add(new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
        }
      }
    }
    for (int i = 0; i < oids.size(); i++) {
      tables.add(shape(c, oids.get(i)[0], names.get(i)));
    }
    return tables;
  }

  private static TableShape shape(Connection c, long oid, String[] name) throws SQLException {
    List<String> all = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    Map<Integer, String> key = new java.util.TreeMap<>();
    Map<String, String> timestamps = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String column = rs.getString(1);
          all.add(column);
          if (!rs.getBoolean(2)) {
            columns.add(column);
          }
          if (rs.getInt(4) > 0) {
            key.put(rs.getInt(4), column);
          }
          if (rs.getString(3).startsWith("timestamp")) {
            timestamps.put(column.toLowerCase(Locale.ROOT), column);
          }
        }
      }
    }
    String newest = NEWEST_COLUMNS.stream().map(timestamps::get).filter(java.util.Objects::nonNull)
        .findFirst().orElse(null);
    return new TableShape(name[0], name[1], name[2].charAt(0), all, columns, List.copyOf(key.values()), newest);
  }

  private static boolean isHistory(String schema, String table, String historyTable) {
    if (historyTable == null) {
      return false;
    }
    int dot = historyTable.indexOf('.');
    return dot < 0 ? table.equals(historyTable)
        : schema.equals(historyTable.substring(0, dot)) && table.equals(historyTable.substring(dot + 1));
  }

  /** The write counters per table ({@link TableShape#id}): inserted, updated, deleted rows. */
  static Map<String, List<Long>> counters(Connection c) throws SQLException {
    Map<String, List<Long>> counters = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "select schemaname, relname, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables")) {
      while (rs.next()) {
        counters.put(TableShape.id(rs.getString(1), rs.getString(2)), List.of(rs.getLong(3), rs.getLong(4), rs.getLong(5)));
      }
    }
    return counters;
  }

  /**
   * Whether the counters can be trusted to show every committed write: the server keeps them in
   * shared memory (PostgreSQL 15 and later), and no other session on the database has been
   * active within the last 11 seconds (an idle session reports its counts at most 10 s after its
   * last transaction; a closed one at once).
   */
  static boolean countersSettled(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        select current_setting('server_version_num')::int >= 150000
           and not exists (select 1 from pg_stat_activity
                            where datname = current_database() and pid <> pg_backend_pid()
                              and backend_type = 'client backend'
                              and (state <> 'idle' or state_change > now() - interval '11 seconds'))""")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** Per table ({@link TableShape#id}), the tables its foreign keys reference (itself left out). */
  static Map<String, java.util.Set<String>> references(Connection c) throws SQLException {
    Map<String, java.util.Set<String>> refs = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        select cn.nspname, cc.relname, pn.nspname, pc.relname
          from pg_constraint k
          join pg_class cc on cc.oid = k.conrelid join pg_namespace cn on cn.oid = cc.relnamespace
          join pg_class pc on pc.oid = k.confrelid join pg_namespace pn on pn.oid = pc.relnamespace
         where k.contype = 'f' and k.conrelid <> k.confrelid""")) {
      while (rs.next()) {
        refs.computeIfAbsent(TableShape.id(rs.getString(1), rs.getString(2)), x -> new java.util.HashSet<>())
            .add(TableShape.id(rs.getString(3), rs.getString(4)));
      }
    }
    return refs;
  }
}
