package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.workflows.activities.CheckResult;
import dev.runbook.workflows.activities.DatabaseActivities;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.Validation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The database adapter: PostgreSQL, or any engine through argv templates ({@code engine:
 * command}). Every request names a configured database; the physical names, credentials and
 * tools come from configuration only. Each method checks first whether its work is already done
 * (a verified backup for the key, the target schema version, a restore marker, the names after a
 * swap), so a retried activity never does its work twice.
 */
public final class DatabaseActivitiesImpl implements DatabaseActivities {
  private static final int MAX_KEY = 500;

  private final Map<String, ConfiguredDatabase> databases;
  private final List<String> orderedNames;
  private final Backups backups;
  private final Restores restores;
  private final Swaps swaps = new Swaps();
  private final CommandRestores commandRestores;
  private final CommandSwaps commandSwaps;
  private final Imports imports;
  private final Discards discards;

  private final BackupCatalog catalog;
  private final RetentionRecords safetyCopies;
  private final Clock clock;

  /**
   * @param databases the {@code databases} section, by configured name
   * @param backupRoot where backups go unless a database sets its own backupDir
   * @param baseDir relative paths in the settings (backupDir, migrations.dir) resolve against it
   * @param catalog the rollback log's record of every backup taken
   */
  public DatabaseActivitiesImpl(
      Map<String, DatabaseSettings> databases, Path backupRoot, Path baseDir, Clock clock, BackupCatalog catalog) {
    List<String> problems = new ArrayList<>();
    databases.forEach((name, s) -> {
      if (!Validation.NAME.matcher(name).matches()) {
        problems.add("databases." + name + ": the name must be lower-case letters, digits, '.', '_'"
            + " or '-' (it names the backup directory)");
      }
      problems.addAll(s.problems("databases." + name));
    });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid databases configuration: " + String.join("; ", problems));
    }
    CommandRunner runner = new CommandRunner();
    Map<String, ConfiguredDatabase> built = new LinkedHashMap<>();
    databases.forEach((name, s) -> built.put(name,
        ConfiguredDatabase.of(name, s, backupRoot.toAbsolutePath(), baseDir.toAbsolutePath(), clock, runner)));
    this.databases = Map.copyOf(built);
    this.orderedNames = List.copyOf(built.keySet());
    this.catalog = catalog;
    this.clock = clock;
    this.backups = new Backups(clock, catalog);
    this.safetyCopies = new RetentionRecords(catalog.dataSource());
    this.restores = new Restores(backups);
    EngineMarkers markers = new EngineMarkers(catalog.dataSource());
    this.commandRestores = new CommandRestores(backups, markers);
    this.commandSwaps = new CommandSwaps(markers);
    this.imports = new Imports(clock, catalog);
    this.discards = new Discards(clock);
  }

  /** Every configured database, in configuration order. */
  List<ConfiguredDatabase> all() {
    return orderedNames.stream().map(databases::get).toList();
  }

  /** One configured database; an unknown name is a typed failure naming the known ones. */
  ConfiguredDatabase configured(String name) {
    return db(name);
  }

  BackupCatalog catalog() {
    return catalog;
  }

  /** The backups of one configured database, as its store keeps them. */
  public BackupStore backupStore(String database) {
    return db(database).store();
  }

  @Override
  public BackupResult backup(BackupRequest r) {
    String key = key(r.key());
    return backups.backup(db(r.database()), key, Origins.of(key), r.dryRun());
  }

  @Override
  public BackupInfo resolveBackup(ResolveBackupRequest r) {
    return backups.resolve(db(r.database()), r.backupId(), r.crossRestore(), r.dryRun());
  }

  @Override
  public SchemaTarget resolveSchemaTarget(SchemaTargetRequest r) {
    ConfiguredDatabase db = db(r.database());
    Migrations m = db.requireMigrations();
    String target;
    if (r.toMigration() != null) {
      target = migration("toMigration", r.toMigration());
    } else if (r.appVersion() != null) {
      target = schemaFor(db, r.appVersion());
    } else {
      target = stepsBack(db, m, r.steps() == null ? 1 : r.steps());
    }
    m.requireRevertable(db.live());
    String current = m.current(db.live());
    return new SchemaTarget(db.name(), current, target, m.plan(target), m.reads());
  }

  @Override
  public RevertResult revertMigrations(RevertRequest r) {
    ConfiguredDatabase db = db(r.database());
    key(r.key());
    String target = migration("targetVersion", r.targetVersion());
    Migrations.Reverted done = db.requireMigrations().revert(target, Heartbeat.current(), r.dryRun());
    boolean changed = !r.dryRun() && !done.reverted().isEmpty();
    return new RevertResult(db.name(), done.from(), done.to(), done.reverted(), changed, done.planned());
  }

  @Override
  public IntegrityReport checkIntegrity(IntegrityRequest r) {
    ConfiguredDatabase db = db(r.database());
    String physical = r.runTag() == null ? db.live() : PgNames.staging(db.live(), r.runTag());
    String expected = r.expectedSchema() == null ? null : migration("expectedSchema", r.expectedSchema());
    List<IntegrityCheck> checks = db.settings().integrityChecks();
    List<String> planned = new ArrayList<>();
    if (db.commandEngine()) {
      checks.forEach(ch -> planned.add("# " + ch.name() + "\n" + db.command().checkPlan(ch, physical)));
    } else {
      planned.addAll(List.of(IntegrityChecks.SESSION_SETUP, IntegrityChecks.TIMEOUT));
      checks.forEach(ch -> planned.add("-- " + ch.name() + "\n" + ch.sql()));
    }
    if (db.migrations() != null) {
      planned.addAll(db.migrations().reads());
    }
    if (r.dryRun()) {
      List<CheckResult> notRun = checks.stream()
          .map(ch -> new CheckResult(ch.name(), true, "not run (dry run); expects " + ch.expectation()))
          .toList();
      return new IntegrityReport(db.name(), null, true, notRun, planned);
    }
    List<CheckResult> results = new ArrayList<>(db.commandEngine()
        ? CommandChecks.run(db.command(), physical, checks)
        : IntegrityChecks.run(db.client(), physical, checks));
    String schema = db.migrations() == null ? null : db.migrations().current(physical);
    if (expected != null) {
      boolean ok = schema != null && Versions.same(schema, expected);
      results.add(new CheckResult("schema version", ok,
          "is " + (schema == null ? "unknown (no migrations configured)" : schema) + ", expected " + expected));
    }
    boolean passed = results.stream().allMatch(CheckResult::passed);
    if (r.enforce() && !passed) {
      throw Failures.of(FailureType.INTEGRITY_CHECK_FAILED, "integrity checks failed on " + physical
          + " (databases." + db.name() + "): " + results.stream().filter(x -> !x.passed())
              .map(x -> x.name() + ": " + x.detail()).collect(Collectors.joining("; ")));
    }
    return new IntegrityReport(db.name(), schema, passed, results, planned);
  }

  @Override
  public RestoreResult restoreStaged(StagedRestoreRequest r) {
    ConfiguredDatabase db = db(r.database());
    if (db.commandEngine()) {
      requireStaged(db);
      return commandRestores.staged(db, r.backupId(), r.runTag(), key(r.key()), r.crossRestore(), r.dryRun());
    }
    return restores.staged(db, r.backupId(), r.runTag(), key(r.key()), r.crossRestore(), r.dryRun());
  }

  /** Swaps, and records the safety copy it leaves (its age is what retention keeps it by). */
  @Override
  public SwapResult swap(SwapRequest r) {
    ConfiguredDatabase db = db(r.database());
    if (db.commandEngine()) {
      requireStaged(db);
      return commandSwaps.swap(db, r.runTag(), r.dryRun());
    }
    SwapResult done = swaps.swap(db, r.runTag(), r.dryRun());
    if (!r.dryRun() && done.safetyName() != null) {
      safetyCopies.safetyCopy(db.name(), done.safetyName(), db.live(), r.runTag(),
          RetentionRecords.Origin.current(), clock.instant(), "swap");
    }
    return done;
  }

  @Override
  public SwapResult swapBack(SwapRequest r) {
    ConfiguredDatabase db = db(r.database());
    if (db.commandEngine()) {
      return db.settings().stagedRestore() ? commandSwaps.swapBack(db, r.runTag(), r.dryRun()) : unswapped(db);
    }
    return swaps.swapBack(db, r.runTag(), r.dryRun());
  }

  @Override
  public RestoreResult restoreInPlace(InPlaceRestoreRequest r) {
    ConfiguredDatabase db = db(r.database());
    if (db.commandEngine()) {
      return commandRestores.inPlace(db, r.backupId(), key(r.key()), r.crossRestore(), r.dryRun());
    }
    return restores.inPlace(db, r.backupId(), key(r.key()), r.crossRestore(), r.dryRun());
  }

  @Override
  public SwapResult dropStaging(SwapRequest r) {
    ConfiguredDatabase db = db(r.database());
    if (db.commandEngine()) {
      return db.settings().stagedRestore() ? commandSwaps.dropStaging(db, r.runTag(), r.dryRun()) : unswapped(db);
    }
    return swaps.dropStaging(db, r.runTag(), r.dryRun());
  }

  /** A staged restore needs restoreInto and the rest; without them restores go in place. */
  private static void requireStaged(ConfiguredDatabase db) {
    if (!db.settings().stagedRestore()) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "databases." + db.name() + " (engine: command) has no"
          + " restoreInto, swap, exists and drop templates, so it cannot be restored into a staging copy: restore"
          + " it in place (--strategy in-place; a fresh safety backup is taken first), or add those templates");
    }
  }

  /** Nothing to swap back or drop where nothing was ever staged. */
  private static SwapResult unswapped(ConfiguredDatabase db) {
    return new SwapResult(db.name(), db.live(), null, false, List.of());
  }

  @Override
  public ImportResult importBackup(ImportRequest r) {
    ConfiguredDatabase db = db(r.database());
    String key = key(r.key());
    return imports.importFile(db, r.file(), r.importedBy(), Origins.of(key), r.dryRun());
  }

  @Override
  public DiscardReport measureDiscard(DiscardRequest r) {
    ConfiguredDatabase db = db(r.database());
    key(r.key());
    return discards.measure(db, r.runTag(), r.dryRun(), r.writersStopped());
  }

  private ConfiguredDatabase db(String name) {
    ConfiguredDatabase db = name == null ? null : databases.get(name);
    if (db == null) {
      throw Failures.of(FailureType.UNKNOWN_DATABASE, "database '"
          + (name == null ? "" : Validation.printable(name)) + "' is not configured: use one of "
          + databases.keySet().stream().sorted().toList() + " (runbook.yaml, databases)");
    }
    return db;
  }

  private static String key(String key) {
    if (key == null || key.isBlank() || key.length() > MAX_KEY) {
      throw Failures.of(FailureType.INVALID_INPUT, "the idempotency key is missing or longer than "
          + MAX_KEY + " characters: pass the workflow ID and step, e.g. rollback-api/backup");
    }
    return key;
  }

  private static String migration(String field, String value) {
    if (value == null || !Validation.MIGRATION.matcher(value).matches()) {
      throw Failures.of(FailureType.INVALID_INPUT, field + " '"
          + (value == null ? "" : Validation.printable(value)) + "' is not a migration version: use"
          + " digits with optional '.' or '_', e.g. 2 or 1.2");
    }
    return value;
  }

  private static String schemaFor(ConfiguredDatabase db, String appVersion) {
    if (!Validation.VERSION.matcher(appVersion).matches()) {
      throw Failures.of(FailureType.INVALID_INPUT, "appVersion '" + Validation.printable(appVersion)
          + "' is not a version: use letters, digits and . _ + : @ -");
    }
    String schema = db.settings().schemaVersions().get(appVersion);
    if (schema == null) {
      throw Failures.of(FailureType.UNKNOWN_VERSION, "application version " + appVersion + " has no"
          + " schema version in databases." + db.name() + ".schemaVersions (known: "
          + db.settings().schemaVersions().keySet().stream().sorted().toList() + "): add \""
          + appVersion + "\": <version> there, or give toMigration");
    }
    return schema;
  }

  private static String stepsBack(ConfiguredDatabase db, Migrations m, int steps) {
    List<String> applied = m.applied(db.live());
    if (steps < 1 || steps > applied.size()) {
      throw Failures.of(FailureType.INVALID_INPUT, "cannot revert " + steps + " migration(s) of databases."
          + db.name() + ": " + applied.size() + " are applied (" + applied + ")");
    }
    return steps == applied.size() ? Versions.NONE : applied.get(applied.size() - 1 - steps);
  }
}
