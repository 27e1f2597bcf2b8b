package dev.runbook.activities.database;

import dev.runbook.workflows.activities.DatabaseActivities.TableDiscard;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;

/**
 * Compares one table between the live database and the staged restore of the backup, streaming
 * both sides in the same order and merging them in Java, so memory stays flat however large the
 * table. Rows are matched by primary key and told apart by a hash of their JSON text (see {@link
 * ComparedTable#rowHash}); a table without a key is compared as a multiset of row hashes. Both
 * sides sort by the md5 of the key's JSON text (then the text, bytewise): an order that does not
 * depend on the column
 * types or collations, so Java can follow it, at the price of a sort on the server instead of an
 * index scan. The two sides' queries run at once (the staging one on a thread of its own, {@link
 * Beside}), and the rows that differ go to {@link SalvageStatements} in the same pass.
 */
final class TableComparison {
  private static final int FETCH = 1000;

  private TableComparison() {}

  /** The live side's query for a table (no data: shown in plans). */
  static String liveQuery(ComparedTable t) {
    return liveQuery(t, null);
  }

  /**
   * The live side's query; for a table without a key read at snapshot {@code now}, each hash
   * also counts its recent copies (see {@link KeylessRows}).
   */
  static String liveQuery(ComparedTable t, XidSnapshot now) {
    return t.byPrimaryKey()
        ? "SELECT md5(k), k, h, j, ts FROM (SELECT " + t.keyText("t") + " AS k, " + t.rowHash("t", true)
            + " AS h, row_to_json(t)::text AS j, " + newest(t) + " AS ts FROM " + t.from() + " t) x"
            + " ORDER BY md5(k), k COLLATE \"C\""
        : "SELECT h, count(*), min(j COLLATE \"C\"), max(ts)"
            + (now == null ? "" : ", count(*) FILTER (WHERE NOT settled)") + " FROM (SELECT " + t.rowHash("t", true)
            + " AS h, row_to_json(t)::text AS j, " + newest(t) + " AS ts"
            + (now == null ? "" : ", " + now.settledIn(now, "t") + " AS settled") + " FROM " + t.from() + " t) x"
            + " GROUP BY 1 ORDER BY 1";
  }

  /** The staging side's query: keys and hashes only. */
  static String stagingQuery(ComparedTable t) {
    return t.byPrimaryKey()
        ? "SELECT md5(k), k, h, ko FROM (SELECT " + t.keyText("t") + " AS k, " + t.rowHash("t", false)
            + " AS h, " + t.keyObject("t") + " AS ko FROM " + t.from() + " t) x ORDER BY md5(k), k COLLATE \"C\""
        : "SELECT " + t.rowHash("t", false) + ", count(*) FROM " + t.from() + " t GROUP BY 1 ORDER BY 1";
  }

  /** The dating column as epoch seconds; a timestamp without time zone is read as UTC. */
  static String newest(ComparedTable t) {
    if (t.newestColumn() == null) {
      return "NULL::numeric";
    }
    String c = "t." + PgNames.ident(t.newestColumn());
    return "CASE WHEN isfinite(" + c + ") THEN extract(epoch FROM " + c + ") END";
  }

  /**
   * @param live a session on the live database, or null when the table is not there
   * @param staging a session on the staging database, or null when the table is not there
   * @param now the live session's snapshot
   * @param rows where a table without a key keeps its row hashes for the next measurement, or null
   */
  static TableDiscard compare(ComparedTable t, Connection live, Connection staging, XidSnapshot now,
      SalvageStatements out, KeylessRows.Writer rows, Heartbeat beat) throws SQLException {
    try (Statement ls = live == null ? null : live.createStatement();
        Statement ss = staging == null ? null : staging.createStatement()) {
      if (ls != null) {
        ls.setFetchSize(FETCH);
      }
      if (ss != null) {
        ss.setFetchSize(FETCH);
      }
      try (Beside<ResultSet> staged = Beside.start("compare " + t.display(),
          ss == null ? null : () -> ss.executeQuery(stagingQuery(t)))) {
        ResultSet l = ls == null ? null : ls.executeQuery(liveQuery(t, rows == null ? null : now));
        try (l; ResultSet s = staged.join()) {
          return t.byPrimaryKey() ? byKey(t, l, s, out, beat) : byRow(t, l, s, out, rows, beat);
        }
      }
    }
  }

  private static TableDiscard byKey(ComparedTable t, ResultSet l, ResultSet s, SalvageStatements out, Heartbeat beat)
      throws SQLException {
    long inserted = 0, updated = 0, deleted = 0, seen = 0;
    BigDecimal newest = null;
    boolean lMore = next(l), sMore = next(s);
    while (lMore || sMore) {
      int order = !lMore ? 1 : !sMore ? -1 : compareKeys(l, s);
      if (order < 0 || (order == 0 && !l.getString(3).equals(s.getString(3)))) {
        if (order < 0) {
          inserted++;
        } else {
          updated++;
        }
        out.upsert(l.getString(4));
        newest = max(newest, l.getBigDecimal(5));
      } else if (order > 0) {
        deleted++;
        out.delete(s.getString(4));
      }
      if (order <= 0) {
        lMore = next(l);
      }
      if (order >= 0) {
        sMore = next(s);
      }
      if (++seen % 10_000 == 0) {
        beat.beat(seen);
      }
    }
    return new TableDiscard(t.display(), true, inserted, updated, deleted,
        newest == null ? null : t.newestColumn(), instant(newest));
  }

  private static TableDiscard byRow(ComparedTable t, ResultSet l, ResultSet s, SalvageStatements out,
      KeylessRows.Writer rows, Heartbeat beat) throws SQLException {
    long inserted = 0, deleted = 0, seen = 0;
    BigDecimal newest = null;
    boolean lMore = next(l), sMore = next(s);
    while (lMore || sMore) {
      int order = !lMore ? 1 : !sMore ? -1 : l.getString(1).compareTo(s.getString(1));
      long liveCopies = order <= 0 ? l.getLong(2) : 0;
      long stagedCopies = order >= 0 ? s.getLong(2) : 0;
      if (liveCopies > stagedCopies) {
        inserted += liveCopies - stagedCopies;
        out.copies(l.getString(1), liveCopies, l.getString(3), true);
        newest = max(newest, l.getBigDecimal(4));
      } else if (liveCopies < stagedCopies) {
        deleted += stagedCopies - liveCopies;
        out.copies(s.getString(1), liveCopies, null, false);
      }
      if (rows != null) {
        rows.row(order <= 0 ? l.getString(1) : s.getString(1), liveCopies, stagedCopies,
            order <= 0 ? l.getLong(5) : 0, order <= 0 ? l.getString(3) : null, order <= 0 ? l.getBigDecimal(4) : null);
      }
      if (order <= 0) {
        lMore = next(l);
      }
      if (order >= 0) {
        sMore = next(s);
      }
      if (++seen % 10_000 == 0) {
        beat.beat(seen);
      }
    }
    return new TableDiscard(t.display(), false, inserted, 0, deleted,
        newest == null ? null : t.newestColumn(), instant(newest));
  }

  /** The order both queries sort by: the key's md5, then its text as bytes (collation "C"). */
  private static int compareKeys(ResultSet l, ResultSet s) throws SQLException {
    int byHash = l.getString(1).compareTo(s.getString(1));
    if (byHash != 0) {
      return byHash;
    }
    return Arrays.compareUnsigned(l.getString(2).getBytes(StandardCharsets.UTF_8),
        s.getString(2).getBytes(StandardCharsets.UTF_8));
  }

  private static boolean next(ResultSet rs) throws SQLException {
    return rs != null && rs.next();
  }

  private static BigDecimal max(BigDecimal a, BigDecimal b) {
    return a == null ? b : b == null ? a : a.max(b);
  }

  static Instant instant(BigDecimal epochSeconds) {
    if (epochSeconds == null) {
      return null;
    }
    BigDecimal micros = epochSeconds.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP);
    long m = micros.longValueExact();
    return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L);
  }
}
