package dev.runbook.activities.database;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The schema version a dump says, read from the COPY data of the migration history table it
 * holds (Flyway's history, golang-migrate's {@code schema_migrations}) the way {@link
 * FlywayMigrations} and {@link GolangMigrations} read the live table. A dump without that table
 * (or written with INSERTs, or another kind of migrations) says nothing: the version is null.
 */
final class DumpHistory {
  private final String kind;
  private final String schema;
  private final String table;

  private List<String> columns = List.of();
  private final List<String[]> rows = new ArrayList<>();
  private boolean seen;

  /**
   * @param kind {@link MigrationSettings#FLYWAY} or {@link MigrationSettings#GOLANG_MIGRATE}
   * @param historyTable the configured table, optionally schema-qualified
   */
  DumpHistory(String kind, String historyTable) {
    this.kind = kind;
    int dot = historyTable.indexOf('.');
    this.schema = dot < 0 ? null : historyTable.substring(0, dot);
    this.table = dot < 0 ? historyTable : historyTable.substring(dot + 1);
  }

  /** The history of a configured database, or null when its migrations keep none in a table. */
  static DumpHistory of(DatabaseSettings settings) {
    MigrationSettings m = settings.migrations();
    if (m == null || !(MigrationSettings.FLYWAY.equals(m.kind()) || MigrationSettings.GOLANG_MIGRATE.equals(m.kind()))) {
      return null;
    }
    return new DumpHistory(m.kind(), m.historyTable());
  }

  /** The table's name, for {@code pg_restore --table}. */
  String table() {
    return table;
  }

  /** The table's schema when configured, for {@code pg_restore --schema}; else null. */
  String schema() {
    return schema;
  }

  /** Whether a COPY line (pg_dump's {@code COPY s.t (cols) FROM stdin;}) loads this table. */
  boolean startsCopy(String copyLine) {
    int open = copyLine.indexOf('(');
    String name = (open < 0 ? copyLine.substring(5, copyLine.lastIndexOf(" FROM stdin;"))
        : copyLine.substring(5, open)).strip().replace("\"", "");
    int dot = name.lastIndexOf('.');
    String copiedSchema = dot < 0 ? "public" : name.substring(0, dot);
    String copiedTable = dot < 0 ? name : name.substring(dot + 1);
    if (!copiedTable.equals(table) || (schema != null && !copiedSchema.equals(schema))) {
      return false;
    }
    int close = copyLine.lastIndexOf(')');
    List<String> cols = new ArrayList<>();
    if (open >= 0 && close > open) {
      for (String col : copyLine.substring(open + 1, close).split(",")) {
        cols.add(col.strip().replace("\"", "").toLowerCase(Locale.ROOT));
      }
    }
    columns = cols;
    seen = true;
    rows.clear();
    return true;
  }

  /** One data line of that COPY: tab-separated, {@code \N} for null, backslash escapes. */
  void row(String dataLine) {
    String[] raw = dataLine.split("\t", -1);
    String[] values = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      values[i] = raw[i].equals("\\N") ? null : unescape(raw[i]);
    }
    rows.add(values);
  }

  /** The version the rows say, or null when the dump holds no such table (or says it oddly). */
  String version() {
    if (!seen) {
      return null;
    }
    return MigrationSettings.FLYWAY.equals(kind) ? flyway() : golang();
  }

  /** As {@link FlywayMigrations#read}: successful versioned rows by rank, an UNDO taking one back out. */
  private String flyway() {
    int rank = columns.indexOf("installed_rank");
    int version = columns.indexOf("version");
    int type = columns.indexOf("type");
    int success = columns.indexOf("success");
    if (rank < 0 || version < 0 || type < 0 || success < 0) {
      return null;
    }
    List<String[]> ok;
    try {
      ok = rows.stream()
          .filter(r -> r.length == columns.size() && "t".equals(r[success]) && r[version] != null)
          .sorted(Comparator.comparingLong(r -> Long.parseLong(r[rank])))
          .toList();
    } catch (NumberFormatException notARank) {
      return null;
    }
    List<String> applied = new ArrayList<>();
    for (String[] r : ok) {
      applied.removeIf(v -> Versions.same(v, r[version]));
      if (r[type] == null || !r[type].startsWith("UNDO")) {
        applied.add(r[version]);
      }
    }
    return applied.stream().max(Versions.ORDER).orElse(Versions.NONE);
  }

  /** As {@link GolangMigrations#read}: the one row's version. */
  private String golang() {
    int version = columns.indexOf("version");
    if (version < 0 || rows.size() > 1) {
      return null;
    }
    return rows.isEmpty() ? Versions.NONE : rows.get(0)[version];
  }

  private static String unescape(String v) {
    if (v.indexOf('\\') < 0) {
      return v;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length()) {
        char n = v.charAt(++i);
        out.append(switch (n) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case 'r' -> '\r';
          default -> n;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
