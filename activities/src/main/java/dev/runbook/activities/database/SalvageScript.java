package dev.runbook.activities.database;

import dev.runbook.activities.database.SalvageSet.Entry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The salvage set's {@code apply.sql}: one transaction that runs the tables' delete files with
 * referencing tables first, then their upsert files with referenced tables first, so foreign keys
 * hold at every step. It includes the table files with {@code \ir} (relative to the script), sets
 * the session settings the row texts were read under, and names tables only inside comments
 * (newlines removed), never in a psql meta-command, whose arguments psql would interpret.
 */
final class SalvageScript {
  /** The settings both comparison sessions and the script run under: they fix the JSON text of values. */
  static final List<String> SESSION = List.of(
      "SET standard_conforming_strings = on",
      "SET TimeZone = 'UTC'",
      "SET DateStyle = 'ISO, YMD'",
      "SET IntervalStyle = 'postgres'",
      "SET extra_float_digits = 1",
      "SET bytea_output = 'hex'");

  private SalvageScript() {}

  /**
   * @param references per table id, the ids of the tables its foreign keys point at
   */
  static String of(String database, String live, String runTag, Instant measuredAt, List<Entry> entries,
      Map<String, Set<String>> references) {
    List<Entry> parentsFirst = parentsFirst(entries, references);
    StringBuilder s = new StringBuilder();
    s.append("-- The rows restoring run ").append(runTag).append(" discards from databases.").append(database)
        .append(" (").append(SalvageStatements.oneLine(live)).append("), measured ").append(measuredAt).append(".\n")
        .append("-- Re-apply them to the restored database, in one transaction, from this directory or any:\n")
        .append("--   psql -v ON_ERROR_STOP=1 -d <database> -f apply.sql\n")
        .append("-- Every statement is idempotent: applying the script twice leaves the same rows.\n")
        .append("\\set ON_ERROR_STOP on\n")
        .append("SET client_encoding = 'UTF8';\n")
        .append("BEGIN;\n");
    SESSION.forEach(x -> s.append(x.replace("SET ", "SET LOCAL ")).append(";\n"));
    s.append("SET CONSTRAINTS ALL DEFERRED;\n");
    List<Entry> childrenFirst = new ArrayList<>(parentsFirst);
    java.util.Collections.reverse(childrenFirst);
    for (Entry e : childrenFirst) {
      if (e.deleteFile() != null && e.inLive() && e.inStaging()) {
        s.append("-- ").append(describe(e)).append('\n').append("\\ir ").append(e.deleteFile()).append('\n');
      }
    }
    for (Entry e : parentsFirst) {
      if (e.upsertFile() != null && e.inStaging()) {
        s.append("-- ").append(describe(e)).append('\n').append("\\ir ").append(e.upsertFile()).append('\n');
      }
    }
    for (Entry e : parentsFirst) {
      if (!e.inStaging() && e.upsertFile() != null) {
        s.append("-- NOT APPLIED: ").append(name(e)).append(" is new since the backup, so the restored database"
            + " lacks it; its rows are in ").append(e.upsertFile()).append(" and in the safety copy: create the"
            + " table, then run that file with psql\n");
      }
      if (!e.inLive()) {
        s.append("-- NOT APPLIED: ").append(name(e)).append(" was dropped since the backup; the restored"
            + " database has it again with its rows\n");
      }
    }
    return s.append("COMMIT;\n").toString();
  }

  private static String describe(Entry e) {
    var d = e.discard();
    return name(e) + ": " + d.inserted() + " inserted, " + d.updated() + " updated, " + d.deleted() + " deleted"
        + (d.byPrimaryKey() ? " (by primary key)" : " (whole rows)");
  }

  private static String name(Entry e) {
    return SalvageStatements.oneLine(e.schema() + "." + e.name());
  }

  /** The entries with every table after the tables it references (cycles broken where found). */
  static List<Entry> parentsFirst(List<Entry> entries, Map<String, Set<String>> references) {
    Map<String, Entry> byId = new HashMap<>();
    entries.forEach(e -> byId.put(TableShape.id(e.schema(), e.name()), e));
    Set<String> done = new LinkedHashSet<>();
    Set<String> visiting = new java.util.HashSet<>();
    for (Entry e : entries) {
      visit(TableShape.id(e.schema(), e.name()), references, byId, done, visiting);
    }
    List<Entry> ordered = new ArrayList<>();
    done.forEach(id -> ordered.add(byId.get(id)));
    return ordered;
  }

  private static void visit(String id, Map<String, Set<String>> references, Map<String, Entry> byId,
      Set<String> done, Set<String> visiting) {
    if (done.contains(id) || !byId.containsKey(id) || !visiting.add(id)) {
      return;
    }
    for (String parent : references.getOrDefault(id, Set.of())) {
      visit(parent, references, byId, done, visiting);
    }
    done.add(id);
  }
}
