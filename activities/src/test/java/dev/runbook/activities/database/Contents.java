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
 * What a restore must bring back, read from the database: every table's row count and an md5
 * over its rows (partitions included), every sequence's value, the enum's labels, the view's
 * rows, a function's answer, the triggers and the schemas.
 */
record Contents(
    Map<String, Long> rowCounts,
    Map<String, String> rowDigests,
    Map<String, String> sequences,
    List<String> enumLabels,
    String viewDigest,
    String functionAnswer,
    List<String> triggers,
    List<String> schemas) {

  static Contents of(String database) {
    try (Connection c = TestPostgres.connect(database)) {
      Map<String, Long> counts = new LinkedHashMap<>();
      Map<String, String> digests = new LinkedHashMap<>();
      for (String t : strings(c, "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
          + " where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1")) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select count(*), md5(coalesce(string_agg(to_jsonb(t)::text, '|'"
                + " order by to_jsonb(t)::text), '')) from only public." + t + " t")) {
          rs.next();
          counts.put(t, rs.getLong(1));
          digests.put(t, rs.getString(2));
        }
      }
      Map<String, String> sequences = new LinkedHashMap<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select schemaname || '.' || sequencename, last_value::text"
              + " from pg_sequences order by 1")) {
        while (rs.next()) {
          sequences.put(rs.getString(1), rs.getString(2));
        }
      }
      return new Contents(counts, digests, sequences,
          strings(c, "select unnest(enum_range(null::order_status))::text"),
          strings(c, "select md5(string_agg(to_jsonb(v)::text, '|' order by v.id)) from customer_totals v").get(0),
          strings(c, "select order_total(10)::text").get(0),
          strings(c, "select tgname from pg_trigger where not tgisinternal order by 1"),
          strings(c, "select nspname from pg_namespace where nspname not like 'pg\\_%'"
              + " and nspname <> 'information_schema' order by 1"));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + database + ": " + e.getMessage(), e);
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
