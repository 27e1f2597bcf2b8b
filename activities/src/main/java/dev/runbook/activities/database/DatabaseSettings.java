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
 * One configured PostgreSQL database ({@code databases.<name>} in runbook.yaml).
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
 * @param binDir where pg_dump and pg_restore live; default: discovered, then PATH
 * @param timeout longest a pg_dump, pg_restore or migration command may run (default 2 hours)
 * @param lockTimeout longest a revert waits for a lock another session holds (default 60 s); then
 *     it rolls back and is retried
 * @param migrations how the schema version is kept and reverted; null: no migrations
 * @param schemaVersions application version to schema version, for reverting with a deploy
 * @param integrityChecks SQL checks run after a revert or restore
 * @param retention which backups {@link BackupStore#prune} removes
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
    JobSchedule backup,
    SafetyCopyRetention safetyCopies,
    JobSchedule cleanup) {

  /** PostgreSQL truncates identifiers longer than this many bytes. */
  public static final int MAX_IDENTIFIER_BYTES = 63;

  /** When retention runs unless {@code cleanup.schedule} says otherwise: daily. */
  public static final JobSchedule DEFAULT_CLEANUP = new JobSchedule("15 4 * * *", null);

  /** A database without scheduled jobs of its own (the daily cleanup, safety copies kept 7 days). */
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
        migrations, schemaVersions, integrityChecks, retention, null, null, null);
  }

  public DatabaseSettings {
    host = host == null ? "localhost" : host;
    port = port == null ? 5432 : port;
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

  /** Messages naming the YAML path, what is wrong and the fix; empty when valid. */
  public List<String> problems(String path) {
    List<String> p = new ArrayList<>();
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
      p.addAll(check.problems(at));
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
    return p;
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
