package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.FailureType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Flyway: the applied versions are the successful versioned rows of the history table (in
 * installed_rank order, an UNDO row taking its version back out), the current version is the
 * highest; an undo script is {@code U<version>__<description>.sql}. Reverting deletes the history
 * rows of the undone versions in the same transaction as the scripts.
 */
final class FlywayMigrations extends ScriptMigrations {
  private static final Pattern UNDO = Pattern.compile("U([0-9]+(?:[._][0-9]+)*)__.*\\.sql");

  FlywayMigrations(String name, String table, Path dir, PgClient client, DatabaseSettings settings) {
    super(name, table, dir, client, settings);
  }

  @Override
  protected History read(Connection c) throws SQLException {
    List<Applied> applied = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(readSql())) {
      while (rs.next()) {
        String version = rs.getString(2);
        String type = rs.getString(3);
        applied.removeIf(a -> Versions.same(a.version(), version));
        if (!type.startsWith("UNDO")) {
          applied.add(new Applied(version, rs.getLong(1), "BASELINE".equals(type)));
        }
      }
    } catch (SQLException e) {
      throw missingTable(e);
    }
    applied.sort((a, b) -> Versions.compare(a.version(), b.version()));
    return new History(applied, null);
  }

  @Override
  protected String readSql() {
    return "SELECT installed_rank, version, type FROM " + tableSql
        + " WHERE success AND version IS NOT NULL ORDER BY installed_rank";
  }

  @Override
  protected Optional<Path> scriptFor(String version) {
    List<Path> matches = files().stream()
        .filter(p -> {
          Matcher m = UNDO.matcher(p.getFileName().toString());
          return m.matches() && Versions.same(m.group(1), version);
        })
        .toList();
    if (matches.size() > 1) {
      throw Failures.of(FailureType.INVALID_INPUT, "version " + version + " has " + matches.size()
          + " undo scripts in " + dir + " (" + matches.stream().map(p -> p.getFileName().toString())
              .collect(Collectors.joining(", ")) + "): keep one");
    }
    return matches.stream().findFirst();
  }

  @Override
  protected List<String> recordSql(List<Applied> reverted, String target) {
    String ranks = reverted.stream().map(a -> Long.toString(a.rank())).collect(Collectors.joining(", "));
    return List.of("DELETE FROM " + tableSql + " WHERE installed_rank IN (" + ranks + ")");
  }

  @Override
  protected String expectedScript(String version) {
    return "U" + version + "__<description>.sql";
  }
}
