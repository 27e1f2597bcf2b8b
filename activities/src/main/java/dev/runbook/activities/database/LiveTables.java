package dev.runbook.activities.database;

import java.sql.Connection;
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

  /** Every user table with its columns, in one round trip: one row per column (none for a table without). */
  private static final String TABLES = """
      select c.oid, n.nspname, c.relname, c.relkind, a.attname, a.attgenerated <> '' as generated, t.typname,
             coalesce((select k.n from unnest(i.indkey::int2[]) with ordinality k(att, n)
                       where k.att = a.attnum), 0) as key_position
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_type t on t.oid = a.atttypid
        left join pg_index i on i.indrelid = c.oid and i.indisprimary
       where c.relkind in ('r', 'p') and not c.relispartition
         and n.nspname not in ('pg_catalog', 'information_schema')
         and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'
         and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                          and d.objid = c.oid and d.deptype = 'e')
       order by n.nspname, c.relname, c.oid, a.attnum""";

  private LiveTables() {}

  /**
   * @param historyTable the migration history table ({@code name} or {@code schema.name}), or null
   */
  static List<TableShape> read(Connection c, String historyTable) throws SQLException {
    List<TableShape> tables = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TABLES)) {
      Columns table = null;
      while (rs.next()) {
        long oid = rs.getLong(1);
        if (table == null || table.oid != oid) {
          if (table != null) {
            table.shape(historyTable).ifPresent(tables::add);
          }
          table = new Columns(oid, rs.getString(2), rs.getString(3), rs.getString(4).charAt(0));
        }
        if (rs.getString(5) != null) {
          table.add(rs.getString(5), rs.getBoolean(6), rs.getString(7), rs.getInt(8));
        }
      }
      if (table != null) {
        table.shape(historyTable).ifPresent(tables::add);
      }
    }
    return tables;
  }

  /** One table's columns as the catalog lists them, in order. */
  private static final class Columns {
    final long oid;
    final String schema;
    final String name;
    final char kind;
    final List<String> all = new ArrayList<>();
    final List<String> insertable = new ArrayList<>();
    final Map<Integer, String> key = new java.util.TreeMap<>();
    final Map<String, String> timestamps = new HashMap<>();

    Columns(long oid, String schema, String name, char kind) {
      this.oid = oid;
      this.schema = schema;
      this.name = name;
      this.kind = kind;
    }

    void add(String column, boolean generated, String type, int keyPosition) {
      all.add(column);
      if (!generated) {
        insertable.add(column);
      }
      if (keyPosition > 0) {
        key.put(keyPosition, column);
      }
      if (type.startsWith("timestamp")) {
        timestamps.put(column.toLowerCase(Locale.ROOT), column);
      }
    }

    java.util.Optional<TableShape> shape(String historyTable) {
      if (isHistory(schema, name, historyTable)) {
        return java.util.Optional.empty();
      }
      String newest = NEWEST_COLUMNS.stream().map(timestamps::get).filter(java.util.Objects::nonNull)
          .findFirst().orElse(null);
      return java.util.Optional.of(new TableShape(schema, name, kind, all, insertable, List.copyOf(key.values()),
          newest));
    }
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
