package dev.runbook.activities.database;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * golang-migrate: {@code schema_migrations(version bigint, dirty boolean)} holds one row, the
 * current version; the applied versions are the migration files up to it; a version is undone by
 * {@code <version>_<name>.down.sql}. A dirty row means a migration failed half way, and no revert
 * touches the database until a person has repaired it.
 */
final class GolangMigrations extends ScriptMigrations {
  private static final Pattern FILE = Pattern.compile("([0-9]+)_.*\\.(up|down)\\.sql");

  GolangMigrations(String name, String table, Path dir, PgClient client, DatabaseSettings settings) {
    super(name, table, dir, client, settings);
  }

  @Override
  protected History read(Connection c) throws SQLException {
    List<long[]> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(readSql())) {
      while (rs.next()) {
        rows.add(new long[] {rs.getLong(1), rs.getBoolean(2) ? 1 : 0});
      }
    } catch (SQLException e) {
      throw missingTable(e);
    }
    if (rows.isEmpty()) {
      return new History(List.of(), null);
    }
    if (rows.size() > 1) {
      return new History(List.of(), table + " of databases." + name + " has " + rows.size()
          + " rows where golang-migrate keeps one: repair it by hand (migrate force <version>)");
    }
    long current = rows.get(0)[0];
    TreeSet<Long> versions = new TreeSet<>();
    for (Path f : files()) {
      Matcher m = FILE.matcher(f.getFileName().toString());
      if (m.matches() && Long.parseLong(m.group(1)) <= current) {
        versions.add(Long.parseLong(m.group(1)));
      }
    }
    versions.add(current);
    List<Applied> applied = versions.stream().map(v -> new Applied(Long.toString(v), v, false)).toList();
    String problem = rows.get(0)[1] == 1
        ? table + " of databases." + name + " is dirty at version " + current + ": a migration"
            + " failed half way, so the schema is between versions; repair it by hand, then mark it"
            + " clean (migrate force " + current + ") and revert again"
        : null;
    return new History(applied, problem);
  }

  @Override
  protected String readSql() {
    return "SELECT version, dirty FROM " + tableSql;
  }

  @Override
  protected Optional<Path> scriptFor(String version) {
    return files().stream()
        .filter(p -> {
          Matcher m = FILE.matcher(p.getFileName().toString());
          return m.matches() && m.group(2).equals("down") && Versions.same(m.group(1), version);
        })
        .findFirst();
  }

  @Override
  protected List<String> recordSql(List<Applied> reverted, String target) {
    List<String> sql = new ArrayList<>();
    sql.add("DELETE FROM " + tableSql);
    if (!Versions.same(target, Versions.NONE)) {
      sql.add("INSERT INTO " + tableSql + " (version, dirty) VALUES (" + Long.parseLong(target) + ", false)");
    }
    return sql;
  }

  @Override
  protected String expectedScript(String version) {
    return version + "_<name>.down.sql";
  }
}
