package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.workflows.activities.FailureType;
import java.nio.file.Path;
import java.time.Clock;

/** One entry of {@code databases}, with what works on it, built once at start. */
record ConfiguredDatabase(
    String name,
    DatabaseSettings settings,
    PgClient client,
    PgTools tools,
    Migrations migrations,
    BackupStore store) {

  static ConfiguredDatabase of(
      String name, DatabaseSettings s, Path sharedBackupRoot, Path baseDir, Clock clock, CommandRunner runner) {
    PgClient client = new PgClient(name, s);
    Path root = s.backupDir() != null ? baseDir.resolve(s.backupDir()) : sharedBackupRoot;
    return new ConfiguredDatabase(name, s, client, new PgTools(name, s, runner),
        migrations(name, s, baseDir, client, runner), new BackupStore(root, clock));
  }

  private static Migrations migrations(
      String name, DatabaseSettings s, Path baseDir, PgClient client, CommandRunner runner) {
    MigrationSettings m = s.migrations();
    if (m == null) {
      return null;
    }
    Path dir = m.dir() == null ? baseDir : baseDir.resolve(m.dir());
    return switch (m.kind()) {
      case MigrationSettings.FLYWAY -> new FlywayMigrations(name, m.historyTable(), dir, client, s);
      case MigrationSettings.GOLANG_MIGRATE -> new GolangMigrations(name, m.historyTable(), dir, client, s);
      default -> new CommandMigrations(name, s, dir, client, runner);
    };
  }

  String live() {
    return settings.database();
  }

  Migrations requireMigrations() {
    if (migrations == null) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "databases." + name + " has no migrations configured:"
          + " add databases." + name + ".migrations (kind flyway, golang-migrate or command)");
    }
    return migrations;
  }
}
