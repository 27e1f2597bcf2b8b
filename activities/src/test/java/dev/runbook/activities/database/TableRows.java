package dev.runbook.activities.database;

import dev.runbook.activities.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table's rows read over plain JDBC, each value as the driver's text, to check the discard
 * measurement independently of it: by key, or as a multiset of whole rows. Sessions run in UTC so
 * both databases print timestamps alike.
 */
final class TableRows {
  private TableRows() {}

  /** Key values to the whole row; {@code keyColumns} are 1-based column positions. */
  static Map<List<String>, List<String>> byKey(String database, String table, int... keyColumns) {
    Map<List<String>, List<String>> rows = new HashMap<>();
    for (List<String> row : rows(database, table)) {
      List<String> key = new ArrayList<>();
      for (int k : keyColumns) {
        key.add(row.get(k - 1));
      }
      rows.put(key, row);
    }
    return rows;
  }

  /** Each distinct row and how many copies of it the table holds. */
  static Map<List<String>, Integer> multiset(String database, String table) {
    Map<List<String>, Integer> counts = new HashMap<>();
    rows(database, table).forEach(r -> counts.merge(r, 1, Integer::sum));
    return counts;
  }

  /** The counts a comparison by key must find: inserted, updated, deleted. */
  static long[] keyedDifference(Map<List<String>, List<String>> live, Map<List<String>, List<String>> backup) {
    long inserted = live.keySet().stream().filter(k -> !backup.containsKey(k)).count();
    long updated = live.keySet().stream().filter(k -> backup.containsKey(k) && !backup.get(k).equals(live.get(k))).count();
    long deleted = backup.keySet().stream().filter(k -> !live.containsKey(k)).count();
    return new long[] {inserted, updated, deleted};
  }

  /** The counts a comparison of whole rows must find: inserted, deleted copies. */
  static long[] rowDifference(Map<List<String>, Integer> live, Map<List<String>, Integer> backup) {
    long inserted = 0;
    long deleted = 0;
    for (var e : live.entrySet()) {
      inserted += Math.max(0, e.getValue() - backup.getOrDefault(e.getKey(), 0));
    }
    for (var e : backup.entrySet()) {
      deleted += Math.max(0, e.getValue() - live.getOrDefault(e.getKey(), 0));
    }
    return new long[] {inserted, deleted};
  }

  private static List<List<String>> rows(String database, String table) {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("set timezone = 'UTC'");
      List<List<String>> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("select * from " + table)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            row.add(rs.getString(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + table + " in " + database + ": " + e.getMessage(), e);
    }
  }
}
