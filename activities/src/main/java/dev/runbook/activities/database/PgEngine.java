package dev.runbook.activities.database;

import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.DatabaseIdentity;
import java.nio.file.Path;
import java.util.List;

/** PostgreSQL's part of a backup: pg_dump in directory format, checked with pg_restore --list. */
final class PgEngine implements BackupEngine {
  private final String name;
  private final DatabaseSettings settings;
  private final PgClient client;
  private final PgTools tools;

  PgEngine(String name, DatabaseSettings settings, PgClient client, PgTools tools) {
    this.name = name;
    this.settings = settings;
    this.client = client;
    this.tools = tools;
  }

  /** Read through the live database, with JDBC's precise error codes, before pg_dump starts. */
  @Override
  public DatabaseIdentity identity() {
    return client.identity(settings.database(), "read the identity of databases." + name);
  }

  /** Read through the maintenance database: the live one may be the thing that is broken. */
  @Override
  public DatabaseIdentity targetIdentity() {
    return client.identity(settings.maintenanceDatabase(), "read the identity of databases." + name);
  }

  @Override
  public List<String> dumpPlan(Path dump, String backupId, String key) {
    return List.of(Shell.display(tools.dump(dump)));
  }

  @Override
  public void dump(Path dump, String backupId, String key, Heartbeat heartbeat) {
    tools.run(tools.dump(dump), "pg_dump of databases." + name, () -> heartbeat.beat(BackupFiles.size(dump)));
  }

  @Override
  public String toolVersion(Heartbeat heartbeat) {
    return tools.run(tools.version(), "pg_dump --version", heartbeat::tick).stdout().strip();
  }

  @Override
  public String verifyPlan(Path dump, String backupId) {
    return Shell.display(tools.list(dump));
  }

  @Override
  public void verify(Path dump, String backupId, Heartbeat heartbeat) {
    tools.run(tools.list(dump), "pg_restore --list", heartbeat::tick);
  }

  @Override
  public String verifier() {
    return "pg_restore --list";
  }
}
