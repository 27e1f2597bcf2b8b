package dev.runbook.activities.database;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A table as both sides have it: the live database's and the staged restore's shape (either may
 * be missing). Rows are told apart by the hash of their {@code to_jsonb} text without the columns
 * only one side has, so a column added or dropped since the backup does not make every row
 * differ; they are matched by primary key when both sides have the same one, else compared whole.
 * Every SQL fragment quotes the names.
 */
record ComparedTable(TableShape live, TableShape staged) {

  ComparedTable {
    if (live == null && staged == null) {
      throw new IllegalArgumentException("a table needs at least one side");
    }
  }

  private TableShape any() {
    return live != null ? live : staged;
  }

  String schema() {
    return any().schema();
  }

  String name() {
    return any().name();
  }

  String id() {
    return any().id();
  }

  /** The name a person reads in a report: {@code schema.table}, unquoted. */
  String display() {
    return schema() + "." + name();
  }

  /** The quoted, schema-qualified name for SQL. */
  String sql() {
    return PgNames.ident(schema()) + "." + PgNames.ident(name());
  }

  /**
   * The table to read or delete from: its own rows only ({@code ONLY}), since the tables that
   * inherit from it are compared on their own; a partitioned table with its partitions.
   */
  String from() {
    return partitioned() ? sql() : "ONLY " + sql();
  }

  boolean partitioned() {
    return any().kind() == 'p';
  }

  boolean byPrimaryKey() {
    return live == null || staged == null ? !any().key().isEmpty()
        : !live.key().isEmpty() && live.key().equals(staged.key());
  }

  List<String> key() {
    return byPrimaryKey() ? any().key() : List.of();
  }

  /** The columns salvage statements write: the insertable ones both sides have. */
  List<String> columns() {
    if (live == null || staged == null) {
      return any().columns();
    }
    return live.columns().stream().filter(staged.columns()::contains).toList();
  }

  String newestColumn() {
    return live == null ? null : live.newestColumn();
  }

  /** The md5 of a row's JSON (the row aliased {@code alias}) on the live or the staging side. */
  String rowHash(String alias, boolean liveSide) {
    TableShape side = liveSide && live != null || staged == null ? live : staged;
    TableShape other = side == live ? staged : live;
    List<String> extra = other == null ? List.of()
        : side.allColumns().stream().filter(c -> !other.allColumns().contains(c)).toList();
    String json = "to_jsonb(" + alias + ")";
    if (!extra.isEmpty()) {
      json = "(" + json + " - ARRAY[" + extra.stream().map(PgNames::literal).collect(Collectors.joining(", "))
          + "]::text[])";
    }
    return "md5(" + json + "::text)";
  }

  /** The key as a JSON array text: equal keys give equal text on both sides. */
  String keyText(String alias) {
    return "json_build_array(" + list(key(), alias + ".") + ")::text";
  }

  /** The key as a JSON object text, for the salvage deletes. */
  String keyObject(String alias) {
    return "json_build_object(" + key().stream().map(k -> PgNames.literal(k) + ", " + alias + "." + PgNames.ident(k))
        .collect(Collectors.joining(", ")) + ")::text";
  }

  static String list(List<String> names, String prefix) {
    return names.stream().map(n -> prefix + PgNames.ident(n)).collect(Collectors.joining(", "));
  }
}
