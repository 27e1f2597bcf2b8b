package dev.runbook.activities.database;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a database's schema version is kept and reverted ({@code databases.<name>.migrations}).
 *
 * <pre>
 * # Flyway: history table, undo scripts U&lt;version&gt;__*.sql
 * migrations: { kind: flyway, dir: db/undo, table: flyway_schema_history }
 *
 * # golang-migrate: schema_migrations(version, dirty), &lt;version&gt;_&lt;name&gt;.down.sql
 * migrations: { kind: golang-migrate, dir: db/migrations }
 *
 * # any tool with a command line (npm run db:down, Prisma, migrate-mongo)
 * migrations:
 *   kind: command
 *   dir: /srv/shop                   # working directory of the commands
 *   down: [npm, run, db:down]        # reverts one migration
 *   current: [npm, run, --silent, db:version]  # prints the current version (last line)
 *   applied: [npm, run, --silent, db:applied]  # optional: applied versions, one a line
 * </pre>
 *
 * On PostgreSQL, commands get PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and DATABASE_URL in
 * their environment; on an {@code engine: command} database, its {@code command.env} and
 * RUNBOOK_DATABASE (the database acted on), and only kind command with {@code current} (not the
 * SQL queries) fits. {@code {database}} in any argument is the database acted on (the live one,
 * or a staging copy whose version is checked); {@code {version}} in {@code downTo} is replaced by
 * the target version as one whole argument.
 *
 * @param kind flyway, golang-migrate or command
 * @param table the history table, optionally schema-qualified (default per kind)
 * @param dir undo scripts (flyway), down scripts (golang-migrate), working directory (command)
 * @param down command: argv that reverts one migration
 * @param downTo command: argv that reverts down to {@code {version}}; preferred over down
 * @param current command: argv that prints the current version
 * @param currentQuery command: SQL returning the current version (instead of current)
 * @param applied command: argv that prints the applied versions, one a line (optional)
 * @param appliedQuery command: SQL returning the applied versions, one a row (optional)
 */
public record MigrationSettings(
    String kind,
    String table,
    String dir,
    List<String> down,
    List<String> downTo,
    List<String> current,
    String currentQuery,
    List<String> applied,
    String appliedQuery) {

  public static final String FLYWAY = "flyway";
  public static final String GOLANG_MIGRATE = "golang-migrate";
  public static final String COMMAND = "command";
  public static final String VERSION_PLACEHOLDER = "{version}";

  private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*");

  public MigrationSettings {
    down = down == null ? null : List.copyOf(down);
    downTo = downTo == null ? null : List.copyOf(downTo);
    current = current == null ? null : List.copyOf(current);
    applied = applied == null ? null : List.copyOf(applied);
  }

  /** The history table, with the kind's default. */
  public String historyTable() {
    if (table != null) {
      return table;
    }
    return GOLANG_MIGRATE.equals(kind) ? "schema_migrations" : "flyway_schema_history";
  }

  public List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    if (kind == null) {
      p.add(path + ".kind is required: use flyway, golang-migrate or command");
      return p;
    }
    switch (kind) {
      case FLYWAY, GOLANG_MIGRATE -> {
        if (dir == null || dir.isBlank()) {
          p.add(path + ".dir is required for " + kind + ": the directory with the "
              + (FLYWAY.equals(kind) ? "undo scripts U<version>__*.sql" : "<version>_<name>.down.sql files"));
        }
        if (!TABLE.matcher(historyTable()).matches()) {
          p.add(path + ".table '" + historyTable() + "' is not a table name: use name or schema.name"
              + " (letters, digits, '_')");
        }
        for (var field : List.of("down", "downTo", "current", "currentQuery", "applied", "appliedQuery")) {
          if (commandField(field) != null) {
            p.add(path + "." + field + " is only for kind command: remove it");
          }
        }
      }
      case COMMAND -> {
        if (down == null && downTo == null) {
          p.add(path + " (kind command) needs down or downTo: the argv that reverts, e.g."
              + " [npm, run, db:down]");
        }
        argv(p, path + ".down", down);
        argv(p, path + ".downTo", downTo);
        argv(p, path + ".current", current);
        argv(p, path + ".applied", applied);
        if (downTo != null && !downTo.contains(VERSION_PLACEHOLDER)) {
          p.add(path + ".downTo has no " + VERSION_PLACEHOLDER + " argument: add it where the target"
              + " version goes, e.g. [npx, prisma-down, --to, " + VERSION_PLACEHOLDER + "]");
        }
        if ((current == null) == (currentQuery == null)) {
          p.add(path + " (kind command) needs exactly one of current (argv) or currentQuery (SQL)"
              + " to read the schema version");
        }
        if (applied != null && appliedQuery != null) {
          p.add(path + " has both applied and appliedQuery: keep one");
        }
        if (table != null) {
          p.add(path + ".table is not used by kind command: remove it");
        }
      }
      default -> p.add(path + ": unknown kind '" + kind + "': use flyway, golang-migrate or command");
    }
    return p;
  }

  private Object commandField(String field) {
    return switch (field) {
      case "down" -> down;
      case "downTo" -> downTo;
      case "current" -> current;
      case "currentQuery" -> currentQuery;
      case "applied" -> applied;
      default -> appliedQuery;
    };
  }

  private static void argv(List<String> p, String at, List<String> argv) {
    if (argv == null) {
      return;
    }
    if (argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
      p.add(at + " is empty: give the program and its arguments as a list, e.g. [npm, run, db:down]");
    } else if (argv.size() == 1 && argv.get(0).contains(" ")) {
      p.add(at + " is one string with spaces ('" + argv.get(0) + "'): write each argument as its own"
          + " list element, e.g. [npm, run, db:down]; commands never go through a shell");
    } else if (argv.stream().anyMatch(a -> a == null)) {
      p.add(at + " has an empty element: remove it");
    }
  }
}
