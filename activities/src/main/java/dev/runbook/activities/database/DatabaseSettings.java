package dev.runbook.activities.database;

import dev.runbook.activities.Secret;
import dev.runbook.workflows.model.DatabaseSchedule;
import dev.runbook.workflows.model.Validation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One configured database ({@code databases.<name>} in runbook.yaml): PostgreSQL (the default
 * engine), or any engine through argv templates ({@code engine: command}, see {@link
 * CommandEngineSettings}; of the fields below it uses database, host and port (shown, never
 * connected to), backupDir, timeout, migrations of kind command, schemaVersions, integrity checks
 * with a command, and retention).
 *
 * <pre>
 * databases:
 *   shop:
 *     host: db.internal
 *     port: 5432
 *     database: shop_production      # the physical name
 *     user: runbook
 *     password: ${SHOP_DB_PASSWORD}
 *     backupDir: /var/backups/runbook # optional; default: the shared backup root
 *     jobs: 4                         # parallel pg_dump / pg_restore jobs
 *     migrations:
 *       kind: flyway
 *       dir: db/undo                  # U&lt;version&gt;__*.sql
 *     schemaVersions: { "2.4.0": "17", "2.5.0": "19" }
 *     integrityChecks:
 *       - { name: orders have customers, sql: "select count(*) from orders o left join customers c on c.id = o.customer_id where c.id is null", equals: 0 }
 *     retention: { keep: 10, maxAge: P14D }
 *     backup: { schedule: "0 3 * * *", timezone: Europe/Berlin }   # scheduled backups; none when left out
 *     safetyCopies: { keep: 7d }                                   # the default
 *     cleanup: { schedule: "15 4 * * *" }                          # the default: daily, 04:15 UTC
 * </pre>
 *
 * @param host server host name or address
 * @param port server port (default 5432)
 * @param database the physical database name on the server
 * @param user the role pg_dump, pg_restore and the JDBC sessions log in as
 * @param password given to child processes as PGPASSWORD and to JDBC as a property, never in argv
 * @param maintenanceDatabase where CREATE/DROP/ALTER DATABASE run from (default {@code postgres})
 * @param backupDir this database's backup root; backups go to {@code <backupDir>/<name>/<id>}
 * @param jobs parallel jobs for pg_dump and pg_restore (default 2)
 * @param binDir where pg_dump, pg_restore and psql live; default: discovered, then PATH
 * @param timeout longest a pg_dump, pg_restore or migration command may run (default 2 hours)
 * @param lockTimeout longest a revert waits for a lock another session holds (default 60 s); then
 *     it rolls back and is retried
 * @param migrations how the schema version is kept and reverted; null: no migrations
 * @param schemaVersions application version to schema version, for reverting with a deploy
 * @param integrityChecks SQL checks run after a revert or restore
 * @param retention which backups {@link BackupStore#prune} removes
 * @param engine {@code postgresql} (default) or {@code command}
 * @param command the argv templates of {@code engine: command}
 * @param backup when scheduled backups are taken; null for none
 * @param safetyCopies how long staged swaps' safety copies are kept; null for the default
 * @param cleanup when retention runs; null for {@link #DEFAULT_CLEANUP}
 */
public record DatabaseSettings(
    String host,
    Integer port,
    String database,
    String user,
    Secret password,
    String maintenanceDatabase,
    String backupDir,
    Integer jobs,
    String binDir,
    Duration timeout,
    Duration lockTimeout,
    MigrationSettings migrations,
    Map<String, String> schemaVersions,
    List<IntegrityCheck> integrityChecks,
    BackupRetention retention,
    String engine,
    CommandEngineSettings command,
    JobSchedule backup,
    SafetyCopyRetention safetyCopies,
    JobSchedule cleanup) {

  /** PostgreSQL truncates identifiers longer than this many bytes. */
  public static final int MAX_IDENTIFIER_BYTES = 63;

  public static final String POSTGRESQL = "postgresql";
  public static final String COMMAND = "command";
  /** When retention runs unless {@code cleanup.schedule} says otherwise: daily. */
  public static final JobSchedule DEFAULT_CLEANUP = new JobSchedule("15 4 * * *", null);

  public DatabaseSettings {
    engine = engine == null ? POSTGRESQL : engine;
    host = host == null ? "localhost" : host;
    port = port == null ? (COMMAND.equals(engine) ? 0 : 5432) : port;
    password = password == null ? Secret.of("") : password;
    maintenanceDatabase = maintenanceDatabase == null ? "postgres" : maintenanceDatabase;
    jobs = jobs == null ? 2 : jobs;
    timeout = timeout == null ? Duration.ofHours(2) : timeout;
    lockTimeout = lockTimeout == null ? Duration.ofSeconds(60) : lockTimeout;
    schemaVersions = schemaVersions == null ? Map.of() : Map.copyOf(schemaVersions);
    integrityChecks = integrityChecks == null ? List.of() : List.copyOf(integrityChecks);
    safetyCopies = safetyCopies == null ? new SafetyCopyRetention(null) : safetyCopies;
    cleanup = cleanup == null ? DEFAULT_CLEANUP : cleanup;
  }

  /** What this database's schedule runs (its scheduled backups, if any, and its cleanup). */
  public DatabaseSchedule schedule(String name) {
    return new DatabaseSchedule(name, backup == null ? null : backup.cron(), cleanup.cron());
  }

  /**
   * A PostgreSQL database without scheduled jobs of its own (the daily cleanup, safety copies
   * kept 7 days), as every database was configured before engines and schedules could be chosen.
   */
  public DatabaseSettings(
      String host,
      Integer port,
      String database,
      String user,
      Secret password,
      String maintenanceDatabase,
      String backupDir,
      Integer jobs,
      String binDir,
      Duration timeout,
      Duration lockTimeout,
      MigrationSettings migrations,
      Map<String, String> schemaVersions,
      List<IntegrityCheck> integrityChecks,
      BackupRetention retention) {
    this(host, port, database, user, password, maintenanceDatabase, backupDir, jobs, binDir, timeout, lockTimeout,
        migrations, schemaVersions, integrityChecks, retention, null, null, null, null, null);
  }

  /** Whether the database is driven through argv templates ({@code engine: command}). */
  public boolean commandEngine() {
    return COMMAND.equals(engine);
  }

  /**
   * Whether a restore can go into a staging copy and swap names; otherwise it goes in place,
   * after a fresh safety backup.
   */
  public boolean stagedRestore() {
    return !commandEngine() || (command != null && command.stagedRestore());
  }

  /** Messages naming the YAML path, what is wrong and the fix; empty when valid. */
  public List<String> problems(String path) {
    if (COMMAND.equals(engine)) {
      return commandProblems(path);
    }
    List<String> p = new ArrayList<>();
    if (!POSTGRESQL.equals(engine)) {
      p.add(path + ".engine: unknown engine '" + Validation.printable(engine) + "': use postgresql (the default)"
          + " or command (argv templates for any other engine)");
      return p;
    }
    if (command != null) {
      p.add(path + ".command is only for engine: command: add engine: command, or remove it");
    }
    if (host.isBlank()) {
      p.add(path + ".host is empty: give the server's host name or address");
    }
    if (port < 1 || port > 65535) {
      p.add(path + ".port " + port + " is out of range: use 1 to 65535 (PostgreSQL's default is 5432)");
    }
    physicalName(p, path + ".database", database);
    physicalName(p, path + ".maintenanceDatabase", maintenanceDatabase);
    if (maintenanceDatabase.equals(database)) {
      p.add(path + ".maintenanceDatabase is the database itself: use another one (default postgres),"
          + " since a database cannot be renamed or dropped from a session on it");
    }
    if (user == null || user.isBlank()) {
      p.add(path + ".user is required: the role backups and reverts log in as");
    }
    if (jobs < 1 || jobs > 64) {
      p.add(path + ".jobs " + jobs + " is out of range: use 1 to 64 parallel pg_dump/pg_restore jobs");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      p.add(path + ".timeout " + timeout + " must be positive, e.g. PT2H");
    }
    if (lockTimeout.isNegative() || lockTimeout.isZero()) {
      p.add(path + ".lockTimeout " + lockTimeout + " must be positive, e.g. PT60S");
    }
    if (binDir != null && binDir.isBlank()) {
      p.add(path + ".binDir is empty: remove it to discover pg_dump, or give its directory");
    }
    if (migrations != null) {
      p.addAll(migrations.problems(path + ".migrations"));
    }
    for (int i = 0; i < integrityChecks.size(); i++) {
      IntegrityCheck check = integrityChecks.get(i);
      if (check != null && check.command() != null) {
        p.add(path + ".integrityChecks[" + i + "].command is for engine: command: on PostgreSQL give sql, a query"
            + " returning one number");
      }
    }
    common(p, path);
    return p;
  }

  /** {@code engine: command}: the templates, and none of what only PostgreSQL uses. */
  private List<String> commandProblems(String path) {
    List<String> p = new ArrayList<>();
    if (command == null) {
      p.add(path + ".command is required with engine: command: the argv templates identity, backup, verify"
          + " and restore (see runbook.example.yaml)");
    } else {
      p.addAll(command.problems(path + ".command"));
    }
    if (database == null || database.isBlank()) {
      p.add(path + ".database is required: the database's name on its server ({database} in the templates)");
    } else if (database.chars().anyMatch(Character::isISOControl)) {
      p.add(path + ".database contains control characters: use the name as the server shows it");
    }
    if (host.isBlank()) {
      p.add(path + ".host is empty: give the server's host name (it is shown with the database), or remove it");
    }
    if (port < 0 || port > 65535) {
      p.add(path + ".port " + port + " is out of range: use 1 to 65535, or remove it");
    }
    if (user != null) {
      p.add(path + ".user is not used by engine: command: give the login to the commands themselves (their"
          + " arguments, an option file, or command.env)");
    }
    if (!password.isEmpty()) {
      p.add(path + ".password is not used by engine: command: pass it to the commands through command.env,"
          + " e.g. MYSQL_PWD: ${ORDERS_DB_PASSWORD}");
    }
    if (binDir != null) {
      p.add(path + ".binDir is not used by engine: command: give each program's path in its template");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      p.add(path + ".timeout " + timeout + " must be positive, e.g. PT2H");
    }
    if (migrations != null) {
      List<String> m = migrations.problems(path + ".migrations");
      p.addAll(m);
      if (m.isEmpty() && !MigrationSettings.COMMAND.equals(migrations.kind())) {
        p.add(path + ".migrations.kind " + migrations.kind() + " reads its history table over PostgreSQL:"
            + " with engine: command use kind command (down or downTo, and current printing the version)");
      } else if (m.isEmpty() && (migrations.currentQuery() != null || migrations.appliedQuery() != null)) {
        p.add(path + ".migrations: currentQuery and appliedQuery run SQL on PostgreSQL: with engine: command"
            + " use current (and applied), commands that print the versions");
      }
    }
    for (int i = 0; i < integrityChecks.size(); i++) {
      IntegrityCheck check = integrityChecks.get(i);
      if (check != null && check.sql() != null) {
        p.add(path + ".integrityChecks[" + i + "].sql runs on PostgreSQL: with engine: command give command, an"
            + " argv that prints one number, e.g. [mariadb, -N, -e, \"select count(*) from orders\", \"{database}\"]");
      }
    }
    common(p, path);
    return p;
  }

  /** What both engines check alike: schema versions, integrity checks, retention. */
  private void common(List<String> p, String path) {
    schemaVersions.forEach((app, schema) -> {
      if (schema == null || !Validation.MIGRATION.matcher(schema).matches()) {
        p.add(path + ".schemaVersions." + app + ": '" + (schema == null ? "" : Validation.printable(schema))
            + "' is not a migration version: use digits, e.g. 17 or 1.2");
      }
    });
    if (!schemaVersions.isEmpty() && migrations == null) {
      p.add(path + ".schemaVersions is set but " + path + ".migrations is not: configure migrations");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < integrityChecks.size(); i++) {
      IntegrityCheck check = integrityChecks.get(i);
      String at = path + ".integrityChecks[" + i + "]";
      if (check == null) {
        p.add(at + " is empty: give name, sql and min, max or equals");
        continue;
      }
      p.addAll(check.problems(at, commandEngine()));
      if (check.name() != null && !names.add(check.name())) {
        p.add(at + ".name '" + check.name() + "' is used twice: give each check its own name");
      }
    }
    if (retention != null) {
      p.addAll(retention.problems(path + ".retention"));
    }
    if (backup != null) {
      p.addAll(backup.problems(path + ".backup"));
    }
    p.addAll(safetyCopies.problems(path + ".safetyCopies"));
    p.addAll(cleanup.problems(path + ".cleanup"));
  }

  private static void physicalName(List<String> p, String at, String name) {
    if (name == null || name.isBlank()) {
      p.add(at + " is required: the database's name on the server");
    } else if (name.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
      p.add(at + " '" + Validation.printable(name) + "' is longer than " + MAX_IDENTIFIER_BYTES
          + " bytes, which PostgreSQL would truncate: use the name as the server shows it");
    } else if (name.chars().anyMatch(Character::isISOControl)) {
      p.add(at + " contains control characters: use the name as the server shows it");
    }
  }
}
