package dev.runbook.activities.database;

import dev.runbook.activities.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a database holds, for comparing before and after: the tables, their columns (by name,
 * since a revert may re-add a column at another position), the indexes, and per table the row
 * count and an md5 over its rows as JSON, ordered by primary key.
 */
record Snapshot(
    List<String> tables,
    List<String> columns,
    List<String> indexes,
    Map<String, Long> rowCounts,
    Map<String, String> md5) {

  static Snapshot of(String database) {
    try (Connection c = TestPostgres.connect(database)) {
      List<String> tables = strings(c, "select table_name from information_schema.tables"
          + " where table_schema = 'public' order by 1");
      List<String> columns = strings(c, "select table_name || '.' || column_name || ' ' || data_type"
          + " || ' ' || is_nullable from information_schema.columns where table_schema = 'public'"
          + " order by 1");
      List<String> indexes = strings(c, "select indexdef from pg_indexes where schemaname = 'public'"
          + " order by 1");
      Map<String, Long> counts = new LinkedHashMap<>();
      Map<String, String> md5 = new LinkedHashMap<>();
      for (String t : tables) {
        String order = String.join(", ", strings(c, "select a.attname from pg_index i join pg_attribute a"
            + " on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indisprimary"
            + " and i.indrelid = 'public." + t + "'::regclass order by a.attnum"));
        String by = order.isEmpty() ? "to_jsonb(t)::text" : order;
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select count(*), md5(coalesce(string_agg(to_jsonb(t)::text, '|'"
                + " order by " + by + "), '')) from public." + t + " t")) {
          rs.next();
          counts.put(t, rs.getLong(1));
          md5.put(t, rs.getString(2));
        }
      }
      return new Snapshot(tables, columns, indexes, counts, md5);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot snapshot " + database + ": " + e.getMessage(), e);
    }
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
