package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.workflows.activities.FailureType;
import java.nio.file.Path;
import java.time.Clock;

/**
 * One entry of {@code databases}, with what works on it, built once at start. A PostgreSQL
 * database has a JDBC client and pg_dump/pg_restore; an {@code engine: command} one has its
 * templates ({@link #command()}) and neither of those.
 */
record ConfiguredDatabase(
    String name,
    DatabaseSettings settings,
    PgClient client,
    PgTools tools,
    CommandEngine command,
    BackupEngine engine,
    Migrations migrations,
    BackupStore store) {

  static ConfiguredDatabase of(
      String name, DatabaseSettings s, Path sharedBackupRoot, Path baseDir, Clock clock, CommandRunner runner) {
    Path root = s.backupDir() != null ? baseDir.resolve(s.backupDir()) : sharedBackupRoot;
    BackupStore store = new BackupStore(root, clock);
    if (s.commandEngine()) {
      CommandEngine command = new CommandEngine(name, s, baseDir, runner);
      return new ConfiguredDatabase(name, s, null, null, command, command,
          migrations(name, s, baseDir, null, command, runner), store);
    }
    PgClient client = new PgClient(name, s);
    PgTools tools = new PgTools(name, s, runner);
    return new ConfiguredDatabase(name, s, client, tools, null, new PgEngine(name, s, client, tools),
        migrations(name, s, baseDir, client, null, runner), store);
  }

  private static Migrations migrations(String name, DatabaseSettings s, Path baseDir, PgClient client,
      CommandEngine command, CommandRunner runner) {
    MigrationSettings m = s.migrations();
    if (m == null) {
      return null;
    }
    Path dir = m.dir() == null ? baseDir : baseDir.resolve(m.dir());
    return switch (m.kind()) {
      case MigrationSettings.FLYWAY -> new FlywayMigrations(name, m.historyTable(), dir, client, s);
      case MigrationSettings.GOLANG_MIGRATE -> new GolangMigrations(name, m.historyTable(), dir, client, s);
      default -> new CommandMigrations(name, s, dir,
          command != null ? CommandMigrations.Tool.of(command) : CommandMigrations.Tool.of(client, s), client, runner);
    };
  }

  String live() {
    return settings.database();
  }

  /** Whether the database is driven through argv templates. */
  boolean commandEngine() {
    return command != null;
  }

  Migrations requireMigrations() {
    if (migrations == null) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "databases." + name + " has no migrations configured:"
          + " add databases." + name + ".migrations (kind " + (commandEngine() ? "command" : "flyway, golang-migrate"
          + " or command") + ")");
    }
    return migrations;
  }
}
