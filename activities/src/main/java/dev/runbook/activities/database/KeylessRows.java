package dev.runbook.activities.database;

import dev.runbook.workflows.activities.DatabaseActivities.TableDiscard;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A table without a key, measured again without hashing every row: each measurement keeps, in
 * {@code NNNN-rows.tsv} beside the salvage files, one line per row hash where the live
 * database differs from the backup or has "recent" copies (written by a transaction that had not
 * ended before the oldest one running at the measurement's snapshot, {@link XidSnapshot}), and
 * counts the rest, the rows that were settled then. The next measurement hashes only the rows
 * that were not settled at the earlier snapshot and counts the others: when that count equals
 * the earlier one, no settled row was deleted or updated since (an update writes a new row
 * version, which is recent), so the live table is the settled rows, which the earlier lines
 * describe, and the recent rows, which it has just hashed. Any other count, or a staged count
 * that moved, and the table is compared whole again: slower, never wrong.
 */
final class KeylessRows {
  private static final int FETCH = 1000;

  /**
   * One row hash as a measurement saw it.
   *
   * @param n the live database's copies
   * @param s the staged backup's copies
   * @param w how many of the live copies were recent (not settled at the measurement's snapshot)
   * @param r the row's JSON text, when the live database had it
   * @param t its dating column as epoch seconds, or null
   */
  record Line(String h, long n, long s, long w, String r, BigDecimal t) {}

  /** Writes a measurement's lines, in hash order, and counts its settled rows. */
  static final class Writer implements AutoCloseable {
    private final Path file;
    private final BufferedWriter out;
    private long settled;

    Writer(Path file) {
      this.file = file;
      try {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }

    /** A row hash with {@code live} copies, {@code recent} of them recent. */
    void row(String hash, long live, long staged, long recent, String rowJson, BigDecimal newest) {
      settled += live - recent;
      if (live == staged && recent == 0) {
        return;
      }
      try {
        out.write(hash);
        out.write('\t');
        out.write(Long.toString(live));
        out.write('\t');
        out.write(Long.toString(staged));
        out.write('\t');
        out.write(Long.toString(recent));
        out.write('\t');
        out.write(newest == null ? "" : newest.toPlainString());
        out.write('\t');
        out.write(live > 0 && rowJson != null ? rowJson : "");
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }

    /** The rows settled at the measurement's snapshot. */
    long settled() {
      return settled;
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
  }

  private KeylessRows() {}

  /** The live side's query: the settled rows as one group (hash null, first), the rest by hash. */
  static String recentQuery(ComparedTable t, XidSnapshot earlier, XidSnapshot now) {
    return "SELECT h, count(*), min(j COLLATE \"C\"), max(ts), count(*) FILTER (WHERE recent) FROM (SELECT"
        + " CASE WHEN v.settled THEN NULL ELSE " + t.rowHash("t", true) + " END AS h,"
        + " CASE WHEN v.settled THEN NULL ELSE row_to_json(t)::text END AS j,"
        + " CASE WHEN v.settled THEN NULL ELSE " + TableComparison.newest(t) + " END AS ts,"
        + " NOT v.settledNow AS recent FROM " + t.from() + " t CROSS JOIN LATERAL (SELECT "
        + now.settledIn(earlier, "t") + " AS settled, " + now.settledIn(now, "t") + " AS settledNow) v) x"
        + " GROUP BY 1 ORDER BY 1 NULLS FIRST";
  }

  /**
   * The table measured again against the earlier measurement's lines and settled count.
   *
   * @return what the restore discards, or null when the table must be compared whole (nothing
   *     was written to {@code out} then if the settled count differs; else the caller discards
   *     what was)
   */
  static TableDiscard since(ComparedTable t, Connection live, Connection staging, Path earlierLines,
      long earlierSettled, XidSnapshot earlier, XidSnapshot now, SalvageStatements out, Writer rows,
      Heartbeat beat) throws SQLException {
    try (Statement ls = live.createStatement(); Statement ss = staging.createStatement();
        BufferedReader lines = Files.newBufferedReader(earlierLines, StandardCharsets.UTF_8)) {
      ls.setFetchSize(FETCH);
      ss.setFetchSize(FETCH);
      try (Beside<ResultSet> staged = Beside.start("compare " + t.display(),
          () -> ss.executeQuery(TableComparison.stagingQuery(t)))) {
        try (ResultSet l = ls.executeQuery(recentQuery(t, earlier, now)); ResultSet s = staged.join()) {
          return merge(t, l, s, new Lines(lines), earlierSettled, out, rows, beat);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + earlierLines, e);
    }
  }

  private static TableDiscard merge(ComparedTable t, ResultSet l, ResultSet s, Lines f, long earlierSettled,
      SalvageStatements out, Writer rows, Heartbeat beat) throws SQLException, IOException {
    boolean lMore = l.next();
    long settled = 0;
    if (lMore && l.getString(1) == null) {
      settled = l.getLong(2);
      lMore = l.next();
    }
    if (settled != earlierSettled) {
      return null;
    }
    long inserted = 0, deleted = 0, seen = 0;
    BigDecimal newest = null;
    boolean sMore = s.next();
    Line line = f.next();
    while (lMore || sMore || line != null) {
      String h = min(lMore ? l.getString(1) : null, sMore ? s.getString(1) : null, line == null ? null : line.h());
      boolean inLive = lMore && h.equals(l.getString(1));
      long staged = sMore && h.equals(s.getString(1)) ? s.getLong(2) : 0;
      Line before = line != null && h.equals(line.h()) ? line : null;
      if (before != null && before.s() != staged) {
        return null; // the staged copy is not the one measured before
      }
      long recent = inLive ? l.getLong(2) : 0;
      long base = before == null ? staged : before.n() - before.w();
      long copies = base + recent;
      String rowJson = inLive ? l.getString(3) : before == null ? null : before.r();
      BigDecimal dated = inLive ? l.getBigDecimal(4) : before == null ? null : before.t();
      if (copies < 0 || (copies > staged && rowJson == null)) {
        return null;
      }
      if (copies > staged) {
        inserted += copies - staged;
        out.copies(h, copies, rowJson, true);
        newest = max(newest, dated);
      } else if (copies < staged) {
        deleted += staged - copies;
        out.copies(h, copies, null, false);
      }
      rows.row(h, copies, staged, inLive ? l.getLong(5) : 0, rowJson, dated);
      if (inLive) {
        lMore = l.next();
      }
      if (sMore && h.equals(s.getString(1))) {
        sMore = s.next();
      }
      if (before != null) {
        line = f.next();
      }
      if (++seen % 10_000 == 0) {
        beat.beat(seen);
      }
    }
    return new TableDiscard(t.display(), false, inserted, 0, deleted,
        newest == null ? null : t.newestColumn(), TableComparison.instant(newest));
  }

  /** The first of the three hashes in order (null: that side has no more). */
  private static String min(String a, String b, String c) {
    String m = a;
    if (b != null && (m == null || b.compareTo(m) < 0)) {
      m = b;
    }
    if (c != null && (m == null || c.compareTo(m) < 0)) {
      m = c;
    }
    return m;
  }

  private static BigDecimal max(BigDecimal a, BigDecimal b) {
    return a == null ? b : b == null ? a : a.max(b);
  }

  /**
   * The earlier measurement's lines, one at a time: hash, copies live, copies staged, recent
   * copies, dating column (empty for none) and the row's JSON (empty for none; row_to_json writes
   * no tab or line break outside its escapes), separated by tabs.
   */
  private record Lines(BufferedReader in) {
    Line next() throws IOException {
      String text = in.readLine();
      if (text == null || text.isEmpty()) {
        return null;
      }
      String[] f = text.split("\t", 6);
      if (f.length != 6) {
        throw new IOException("not a line of row hashes: " + f[0]);
      }
      return new Line(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
          f[5].isEmpty() ? null : f[5], f[4].isEmpty() ? null : new BigDecimal(f[4]));
    }
  }
}
