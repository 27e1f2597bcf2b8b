package dev.runbook.activities.database;

import java.util.List;

/**
 * One user table of one database as the discard measurement reads it from the catalog.
 *
 * @param kind 'r' for a plain table, 'p' for a partitioned one
 * @param allColumns every column, in table order
 * @param columns the columns an INSERT may name (generated columns left out)
 * @param key the primary key's columns in key order, empty when it has none
 * @param newestColumn the timestamp column that dates a change (named like updated_at), or null
 */
record TableShape(String schema, String name, char kind, List<String> allColumns, List<String> columns,
    List<String> key, String newestColumn) {

  /** A key for maps: the two names joined by NUL, which no identifier contains. */
  String id() {
    return id(schema, name);
  }

  static String id(String schema, String name) {
    return schema + "\0" + name;
  }
}
