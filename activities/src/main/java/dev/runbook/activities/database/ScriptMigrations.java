package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Migrations reverted by SQL scripts from a directory (Flyway undo scripts, golang-migrate down
 * files). All scripts down to the target and the history update run in ONE transaction, under
 * an exclusive lock on the history table: PostgreSQL DDL is transactional, so a failing script
 * leaves the schema exactly as it was.
 */
abstract class ScriptMigrations implements Migrations {
  /** Scripts longer than this are shown cut in plans (plans are kept in workflow history). */
  private static final int PLAN_SCRIPT_CHARS = 4000;
  /** Lock timeout, deadlock, serialization failure: the script is fine, the moment was not. */
  private static final Set<String> TRANSIENT = Set.of("55P03", "40P01", "40001");

  protected final String name;
  protected final String table;
  protected final String tableSql;
  protected final Path dir;
  protected final PgClient client;
  private final String physical;
  /** A session still holding a lock (an application not stopped) fails the revert, retryably. */
  private final String lockTimeout;

  /** One applied migration; {@code rank} identifies its history row where there is one. */
  record Applied(String version, long rank, boolean baseline) {}

  /** The history as read: applied versions oldest first, and a reason not to revert, if any. */
  record History(List<Applied> applied, String problem) {
    String current() {
      return applied.isEmpty() ? Versions.NONE : applied.get(applied.size() - 1).version();
    }
  }

  ScriptMigrations(String name, String table, Path dir, PgClient client, DatabaseSettings settings) {
    this.name = name;
    this.physical = settings.database();
    this.lockTimeout = "SET LOCAL lock_timeout = '" + settings.lockTimeout().toMillis() + "ms'";
    this.table = table;
    this.tableSql = PgNames.table(table);
    this.dir = dir;
    this.client = client;
  }

  /** Reads the history in the caller's session. */
  protected abstract History read(Connection c) throws SQLException;

  /** The query {@link #read} runs. */
  protected abstract String readSql();

  @Override
  public List<String> reads() {
    return List.of(readSql());
  }

  /** The undo script of a version, if the directory has one. */
  protected abstract Optional<Path> scriptFor(String version);

  /** The SQL that makes the history say {@code target} after {@code reverted} were undone. */
  protected abstract List<String> recordSql(List<Applied> reverted, String target);

  /** What the directory should contain, for messages. */
  protected abstract String expectedScript(String version);

  @Override
  public String current(String database) {
    return client.run(database, "read the schema version", c -> read(c).current());
  }

  @Override
  public List<String> applied(String database) {
    return client.run(database, "read the applied migrations",
        c -> read(c).applied().stream().map(Applied::version).toList());
  }

  @Override
  public void requireRevertable(String database) {
    String problem = client.run(database, "read the migration history", c -> read(c).problem());
    if (problem != null) {
      throw Failures.of(FailureType.MIGRATION_FAILED, problem);
    }
  }

  @Override
  public List<String> plan(String target) {
    History history = client.run(physical, "read the migration history", this::read);
    return toRevert(history, target, name).stream()
        .map(a -> a.version() + ": " + script(a).getFileName())
        .toList();
  }

  private Path script(Applied a) {
    if (a.baseline()) {
      throw Failures.of(FailureType.INVALID_INPUT, "version " + a.version() + " of databases." + name
          + " is Flyway's baseline and cannot be undone: revert to " + a.version() + " or above");
    }
    return scriptFor(a.version()).orElseThrow(() -> Failures.of(FailureType.MISSING_UNDO_SCRIPT,
        "migration " + a.version() + " of databases." + name + " has no undo script: add "
            + expectedScript(a.version()) + " to " + dir + ", or revert to a version at or above "
            + a.version()));
  }

  @Override
  public Reverted revert(String target, Heartbeat heartbeat, boolean dryRun) {
    return client.run(physical, "revert migrations", c -> {
      c.setAutoCommit(false);
      try {
        return revertIn(c, target, heartbeat, dryRun);
      } finally {
        c.rollback(); // after a commit this is a no-op; on any failure it undoes every script
      }
    });
  }

  private Reverted revertIn(Connection c, String target, Heartbeat heartbeat, boolean dryRun)
      throws SQLException {
    List<String> planned = new ArrayList<>();
    String lock = "LOCK TABLE " + tableSql + " IN ACCESS EXCLUSIVE MODE";
    planned.add("BEGIN");
    planned.add(lockTimeout);
    planned.add(lock);
    if (!dryRun) {
      // Serializes with a concurrent revert or migrate; the history is read under the lock.
      execute(c, lockTimeout);
      execute(c, lock);
    }
    History history = read(c);
    String from = history.current();
    if (Versions.same(from, target)) {
      return new Reverted(from, from, List.of(), List.of());
    }
    if (history.problem() != null) {
      throw Failures.of(FailureType.MIGRATION_FAILED, history.problem());
    }
    List<Applied> toRevert = toRevert(history, target, name);
    target = canonical(history, target); // as the history spells it: "2", not "2.0"
    List<Path> scripts = new ArrayList<>();
    for (Applied a : toRevert) {
      scripts.add(script(a)); // all present before anything runs
    }
    List<String> texts = new ArrayList<>();
    for (Path s : scripts) {
      String text = read(s);
      texts.add(text);
      planned.add("-- " + s.getFileName() + "\n" + cut(text));
    }
    List<String> record = recordSql(toRevert, target);
    planned.addAll(record);
    planned.add("COMMIT");
    List<String> versions = toRevert.stream().map(Applied::version).toList();
    if (dryRun) {
      return new Reverted(from, target, versions, planned);
    }
    long txid = txid(c);
    heartbeat.phase("revert");
    for (int i = 0; i < scripts.size(); i++) {
      heartbeat.tick();
      String file = scripts.get(i).getFileName().toString();
      try {
        execute(c, texts.get(i));
      } catch (SQLException e) {
        c.rollback();
        if (TRANSIENT.contains(String.valueOf(e.getSQLState()))) {
          throw Failures.of(FailureType.UNAVAILABLE, "undo script " + file + " could not get its locks ("
              + client.redact(e.getMessage()) + "); rolled back, databases." + name + " is still at"
              + " version " + from + "; will retry: stop the applications that use the tables");
        }
        throw Failures.of(FailureType.MIGRATION_FAILED,
            "undo script " + file + " failed: " + client.redact(e.getMessage()) + "; the transaction"
                + " was rolled back and databases." + name + " is still at version " + from
                + ": fix " + file + " and run the revert again");
      }
      if (txid(c) != txid) {
        throw Failures.of(FailureType.MIGRATION_FAILED,
            "undo script " + file + " ends the transaction (COMMIT/ROLLBACK in the script): what ran"
                + " before it is committed and databases." + name + " may be between versions;"
                + " remove the transaction control from the script and check the schema");
      }
    }
    for (String sql : record) {
      execute(c, sql);
    }
    c.commit();
    return new Reverted(from, target, versions, planned);
  }

  /** The applied migrations above the target, newest first; the target must be applied or NONE. */
  static List<Applied> toRevert(History history, String target, String name) {
    List<Applied> applied = history.applied();
    String from = history.current();
    if (Versions.compare(target, from) > 0) {
      throw Failures.of(FailureType.INVALID_INPUT, "databases." + name + " is at version " + from
          + ", below the target " + target + ": a revert only goes down; apply migrations with"
          + " your migration tool instead");
    }
    boolean known = Versions.same(target, Versions.NONE)
        || applied.stream().anyMatch(a -> Versions.same(a.version(), target));
    if (!known) {
      throw Failures.of(FailureType.UNKNOWN_VERSION, "version " + target + " was never applied to"
          + " databases." + name + "; applied: " + applied.stream().map(Applied::version).toList()
          + " (use one of these, or 0 to revert everything)");
    }
    return applied.stream()
        .filter(a -> Versions.compare(a.version(), target) > 0)
        .sorted(Comparator.comparing(Applied::version, Versions.ORDER).reversed())
        .toList();
  }

  private static String canonical(History history, String target) {
    return history.applied().stream()
        .map(Applied::version)
        .filter(v -> Versions.same(v, target))
        .findFirst()
        .orElse(Versions.NONE);
  }

  /** The files in the script directory whose names match, by file name. */
  protected List<Path> files() {
    if (!Files.isDirectory(dir)) {
      throw Failures.of(FailureType.INVALID_INPUT, "the migrations directory " + dir + " of databases."
          + name + " does not exist: check databases." + name + ".migrations.dir");
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  protected SQLException missingTable(SQLException e) {
    return "42P01".equals(e.getSQLState())
        ? new SQLException("the history table " + table + " does not exist: check databases." + name
            + ".migrations (kind and table)", "42P01")
        : e;
  }

  private static long txid(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select txid_current()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String read(Path script) {
    try {
      return Files.readString(script);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + script, e);
    }
  }

  private static String cut(String text) {
    String t = text.strip();
    return t.length() <= PLAN_SCRIPT_CHARS
        ? t
        : t.substring(0, PLAN_SCRIPT_CHARS) + "\n-- ... (" + t.length() + " characters in all)";
  }
}
