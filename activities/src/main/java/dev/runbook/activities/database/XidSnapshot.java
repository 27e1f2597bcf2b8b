package dev.runbook.activities.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The transaction snapshot a measurement read the live database in, as {@code
 * pg_current_snapshot()} gives it ({@code xmin:xmax:in-progress}), and the SQL that tells a
 * row's inserting transaction apart by it. Only {@code xmin} and {@code xmax} are kept: a row
 * whose inserting transaction ended before the oldest one still running ({@code xmin}) was in
 * the snapshot; anything later is "recent", in it or not, and is compared row by row. A
 * subtransaction's ID is never below its parent's, so this holds for rows written in savepoints
 * too (where the in-progress list would mislead).
 *
 * <p>A row's {@code xmin} is 32 bits; it is widened to 64 against a later snapshot's {@code
 * xmax}, which is exact for every transaction of the last two billion. A frozen row keeps its
 * raw {@code xmin}, which after a wraparound may widen to a recent ID: such a row is taken as
 * recent, never the reverse, and the caller's row count then tells it (see {@link KeylessRows}).
 *
 * @param xmin the oldest transaction still running when the snapshot was taken
 * @param xmax the first transaction ID not yet assigned then
 */
record XidSnapshot(long xmin, long xmax) {
  private static final long EPOCH = 1L << 32;

  /** The snapshot of {@code c}'s current transaction (call it as the transaction's first statement). */
  static XidSnapshot of(Connection c) throws SQLException {
    String function = c.getMetaData().getDatabaseMajorVersion() >= 13 ? "pg_current_snapshot" : "txid_current_snapshot";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select " + function + "()::text")) {
      rs.next();
      return parse(rs.getString(1));
    }
  }

  /** Reads {@code xmin:xmax:xip,...}; null for null. */
  static XidSnapshot parse(String text) {
    if (text == null) {
      return null;
    }
    String[] parts = text.split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a transaction snapshot: " + text);
    }
    return new XidSnapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
  }

  /** The form {@link #parse} reads (the in-progress list left out). */
  String text() {
    return xmin + ":" + xmax + ":";
  }

  /**
   * SQL, true when the row {@code alias} was certainly in {@code earlier}: its inserting
   * transaction ended before {@code earlier}'s oldest running one, or the row is frozen with a
   * special ID. Evaluated in a transaction at this (later or same) snapshot.
   */
  String settledIn(XidSnapshot earlier, String alias) {
    String x = "(" + alias + ".xmin::text::bigint)";
    long low = xmax % EPOCH;
    long high = xmax - low;
    String full = "(CASE WHEN " + x + " <= " + low + " THEN " + high + " + " + x + " ELSE " + (high - EPOCH) + " + "
        + x + " END)";
    return "(" + x + " < 3 OR " + full + " < " + earlier.xmin + ")";
  }
}
