package dev.runbook.activities.database;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one table's salvage statements, a few hundred rows each, to two files: the deletes
 * (rows the live database no longer has) and the upserts (rows it has that the backup lacks or
 * holds otherwise). Rows travel as JSON from {@code row_to_json} inside standard string literals
 * (quotes doubled; the script turns standard_conforming_strings on, so backslashes are plain), and
 * {@code json_populate_recordset} gives every value its column's type back. Every statement is
 * idempotent: upserts by primary key, deletes by key; a table without a key is brought to the
 * live database's number of copies of each row (matched by the hash of its JSON; a copy is told
 * from another by its tableoid and ctid, which a partition's rows share with other partitions'
 * only in the ctid).
 */
final class SalvageStatements implements AutoCloseable {
  private static final int BATCH_ROWS = 500;
  private static final int BATCH_CHARS = 1 << 20;

  private final ComparedTable table;
  private final Path deleteFile;
  private final Path upsertFile;
  private final List<String> deletes = new ArrayList<>();
  private final List<String> upserts = new ArrayList<>();
  private int deleteChars;
  private int upsertChars;
  private BufferedWriter deleteOut;
  private BufferedWriter upsertOut;

  SalvageStatements(ComparedTable table, Path deleteFile, Path upsertFile) {
    this.table = table;
    this.deleteFile = deleteFile;
    this.upsertFile = upsertFile;
  }

  /** A row by key the live database has (inserted or updated since the backup). */
  void upsert(String rowJson) {
    upserts.add(rowJson);
    upsertChars += rowJson.length();
    if (upserts.size() >= BATCH_ROWS || upsertChars >= BATCH_CHARS) {
      flushUpserts();
    }
  }

  /** A key (a JSON object of the key columns) the live database no longer has. */
  void delete(String keyJson) {
    deletes.add(keyJson);
    deleteChars += keyJson.length();
    if (deletes.size() >= BATCH_ROWS || deleteChars >= BATCH_CHARS) {
      flushDeletes();
    }
  }

  /**
   * A row of a table without a key whose number of copies differs: the live database has {@code
   * liveCopies} of the row with this JSON hash ({@code rowJson} is null when it has none).
   */
  void copies(String hash, long liveCopies, String rowJson, boolean more) {
    String element = "{\"h\":\"" + hash + "\",\"n\":" + liveCopies
        + (rowJson == null ? "" : ",\"r\":" + rowJson) + "}";
    if (more) {
      upsert(element);
    } else {
      delete(element);
    }
  }

  boolean wroteDeletes() {
    return deleteOut != null;
  }

  boolean wroteUpserts() {
    return upsertOut != null;
  }

  private void flushUpserts() {
    if (upserts.isEmpty()) {
      return;
    }
    String rows = literal(upserts);
    String cols = ComparedTable.list(table.columns(), "");
    String sql;
    if (table.byPrimaryKey()) {
      List<String> rest = table.columns().stream().filter(c -> !table.key().contains(c)).toList();
      String onConflict = rest.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ",
          rest.stream().map(c -> PgNames.ident(c) + " = EXCLUDED." + PgNames.ident(c)).toList());
      sql = "INSERT INTO " + table.sql() + " (" + cols + ") OVERRIDING SYSTEM VALUE\nSELECT " + cols
          + " FROM json_populate_recordset(NULL::" + table.sql() + ", " + rows + ")\nON CONFLICT ("
          + ComparedTable.list(table.key(), "") + ") " + onConflict + ";\n";
    } else {
      sql = "INSERT INTO " + table.sql() + " (" + cols + ") OVERRIDING SYSTEM VALUE\nSELECT "
          + ComparedTable.list(table.columns(), "r.") + " FROM json_array_elements(" + rows + ") e\n"
          + "CROSS JOIN LATERAL json_populate_record(NULL::" + table.sql() + ", e->'r') r\n"
          + "CROSS JOIN LATERAL generate_series(1, (e->>'n')::bigint - (SELECT count(*) FROM " + table.from()
          + " x WHERE " + table.rowHash("x", false) + " = e->>'h')) g;\n";
    }
    upsertOut = write(upsertOut, upsertFile, sql);
    upserts.clear();
    upsertChars = 0;
  }

  private void flushDeletes() {
    if (deletes.isEmpty()) {
      return;
    }
    String rows = literal(deletes);
    String sql;
    if (table.byPrimaryKey()) {
      String match = String.join(" AND ", table.key().stream()
          .map(c -> "t." + PgNames.ident(c) + " = k." + PgNames.ident(c)).toList());
      sql = "DELETE FROM " + table.from() + " t USING json_populate_recordset(NULL::" + table.sql() + ", "
          + rows + ") k\nWHERE " + match + ";\n";
    } else {
      sql = "DELETE FROM " + table.from() + " WHERE (tableoid, ctid) IN (SELECT x.tableoid, x.ctid FROM"
          + " json_array_elements(" + rows + ") e\nCROSS JOIN LATERAL (SELECT y.tableoid, y.ctid FROM " + table.from() + " y WHERE " + table.rowHash("y", false)
          + " = e->>'h' OFFSET (e->>'n')::bigint) x);\n";
    }
    deleteOut = write(deleteOut, deleteFile, sql);
    deletes.clear();
    deleteChars = 0;
  }

  /** A JSON array of the elements as a standard SQL string literal. */
  private static String literal(List<String> elements) {
    return "'[" + String.join(",\n", elements).replace("'", "''") + "]'";
  }

  private BufferedWriter write(BufferedWriter out, Path file, String sql) {
    try {
      if (out == null) {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write("-- " + (file == deleteFile ? "rows deleted since the backup: " : "rows written since the"
            + " backup: ") + oneLine(table.display()) + "\n");
      }
      out.write(sql);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the salvage file " + file, e);
    }
  }

  /**
   * A name safe inside a SQL line comment that psql reads: line breaks end a comment, and a
   * backslash is kept out of psql's way altogether.
   */
  static String oneLine(String text) {
    return text.replaceAll("[\\r\\n\\\\]", "?");
  }

  /**
   * Moves the sequences of the table's columns (serial and identity) past the keys the rows put
   * back, so the application's next insert does not take a key already used. Read when the script
   * runs, from the catalog and the table as they are then; a sequence already further on stays.
   */
  static String sequencesCaughtUp(String tableSql) {
    String table = "'" + tableSql.replace("'", "''") + "'::regclass";
    return "SELECT setval(q.seq, q.top) FROM (\n"
        + "  SELECT pg_get_serial_sequence(" + table + "::text, a.attname) AS seq,\n"
        + "    (xpath('/row/m/text()', query_to_xml(format('SELECT max(%I) AS m FROM %s', a.attname, " + table + "),"
        + " false, true, '')))[1]::text::bigint AS top\n"
        + "  FROM pg_attribute a WHERE a.attrelid = " + table + " AND a.attnum > 0 AND NOT a.attisdropped\n"
        + "    AND pg_get_serial_sequence(" + table + "::text, a.attname) IS NOT NULL) q\n"
        + "WHERE q.top IS NOT NULL AND q.top > coalesce(pg_sequence_last_value(q.seq::regclass), 0);\n";
  }

  @Override
  public void close() {
    flushDeletes();
    flushUpserts();
    if (upsertOut != null) {
      upsertOut = write(upsertOut, upsertFile, "-- the table's sequences move past the keys put back\n"
          + sequencesCaughtUp(table.sql()));
    }
    try {
      if (deleteOut != null) {
        deleteOut.close();
      }
      if (upsertOut != null) {
        upsertOut.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the salvage files of " + table.display(), e);
    }
  }
}
