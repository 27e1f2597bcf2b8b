package dev.runbook.workflows.testing;

import dev.runbook.workflows.activities.AuditActivities;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.CheckActivities;
import dev.runbook.workflows.activities.CheckResult;
import dev.runbook.workflows.activities.DatabaseActivities;
import dev.runbook.workflows.activities.DatabaseActivities.TableDiscard;
import dev.runbook.workflows.activities.DatabaseIdentity;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotifyActivities;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.activities.PlanActivities;
import dev.runbook.workflows.activities.PolicyActivities;
import dev.runbook.workflows.activities.ServiceActivities;
import dev.runbook.workflows.policy.ApprovalPolicy;
import dev.runbook.workflows.policy.Person;
import dev.runbook.workflows.policy.PolicySnapshot;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory stand-in for the systems runbooks act on (services, databases, channels, the
 * rollback log), for workflow tests. It keeps real state, so tests assert outcomes (the version
 * running, the schema version) rather than call counts alone. Activities can be made to fail.
 *
 * <p>The adapters themselves are tested against the real systems in the activities module; here
 * the subject under test is the workflow's orchestration.
 */
public final class FakeWorld {
  public static final String REQUESTER = "erin";

  /** A service: the version running, the versions it ran before (newest first). */
  public static final class Service {
    public String version;
    public final List<String> history = new ArrayList<>();
    public boolean running = true;
    public boolean healthy = true;
    /** Known-bad versions: running one, the service is unhealthy and its error rate is high. */
    public final java.util.Set<String> broken = new java.util.HashSet<>();
    /** Running a configuration that breaks it (a drill's configuration break). */
    public boolean misconfigured;

    Service(String version, List<String> history) {
      this.version = version;
      this.history.addAll(history);
    }

    boolean up() {
      return running && healthy && !misconfigured && !broken.contains(version);
    }
  }

  /** This world's server; another server's backups carry another system identifier. */
  public static final String SYSTEM_ID = "7000000000000000001";

  /** A database: its schema version and the backups taken of it. */
  public static final class Database {
    public int schema;
    public final Map<String, Integer> backups = new LinkedHashMap<>();
    /** Backups (also in {@link #backups}) taken from another server: ID to its system identifier. */
    public final Map<String, String> foreign = new LinkedHashMap<>();
    public final Map<String, Integer> appSchema = new HashMap<>();
    public boolean corrupted;
    public String stagedTag;
    public Integer stagedSchema;
    public String safetyName;
    /** Dump files on the workers: path to the schema version each holds. */
    public final Map<String, Integer> files = new LinkedHashMap<>();
    /** Who imported each imported backup. */
    public final Map<String, String> importedBy = new LinkedHashMap<>();
    /** What a restore of the staged copy would discard, as the measurement finds it. */
    public List<TableDiscard> discards = List.of();

    Database(int schema) {
      this.schema = schema;
    }
  }

  /** @param argsContaining only calls whose arguments contain this fail; null for every call */
  private record Failure(FailureType type, int remaining, String argsContaining) {}

  public final Map<String, Service> services = new TreeMap<>();
  public final Map<String, Database> databases = new TreeMap<>();
  /** What rollbacks left behind, for the cleanup's retention. */
  public final FakeRetention retention = new FakeRetention();
  /** The services that have a configuration (none unless a test gives one). */
  public final FakeConfigs configs = new FakeConfigs(this);
  /** The drills table. */
  public final FakeDrills drills = new FakeDrills();
  /** The checklists configuration and their rows in the rollback log. */
  public final FakeChecklists checklists = new FakeChecklists();
  /** The drills configuration's breaks. */
  public final FakeBreaks breaks = new FakeBreaks(this);
  private final List<String> calls = new ArrayList<>();
  private final List<Notification> notifications = new ArrayList<>();
  private final List<Notification> plannedNotifications = new ArrayList<>();
  private final List<AuditEvent> audit = new ArrayList<>();
  private final java.util.Set<String> auditKeys = new java.util.HashSet<>();
  private final Map<String, Failure> failures = new HashMap<>();
  private final List<Hold> holds = new java.util.concurrent.CopyOnWriteArrayList<>();
  private int mutations;
  private PolicySnapshot policy;

  public FakeWorld() {
    services.put("api", new Service("v2", List.of("v1", "v0")));
    services.put("web", new Service("w2", List.of("w1")));
    Database db = new Database(3);
    db.appSchema.put("v1", 2);
    db.appSchema.put("v0", 1);
    db.backups.put("api-nightly", 3);
    databases.put("api", db);
    policy = new PolicySnapshot(ApprovalPolicy.defaults(), people());
  }

  /** alice and bob lead, carol manages, dave develops, erin is on call (and a lead). */
  public static List<Person> people() {
    return List.of(
        new Person("alice", List.of("engineering-lead")),
        new Person("bob", List.of("engineering-lead")),
        new Person("carol", List.of("engineering-manager")),
        new Person("dave", List.of("developer")),
        new Person(REQUESTER, List.of("engineering-lead", "on-call")));
  }

  /** Adds a service running {@code version} that ran {@code history} before (newest first). */
  public synchronized Service addService(String name, String version, String... history) {
    Service s = new Service(version, List.of(history));
    services.put(name, s);
    return s;
  }

  public synchronized void policy(PolicySnapshot snapshot) {
    this.policy = snapshot;
  }

  /** Gives a service a configuration: the snapshot it has now. */
  public FakeConfigs.Config config(String service, String current) {
    return configs.give(service, current);
  }

  /** Flips a service's health, as a real one would flap. */
  public synchronized void healthy(String service, boolean healthy) {
    services.get(service).healthy = healthy;
  }

  /** The next {@code times} calls of {@code activity} ("Service.deploy") fail with {@code type}. */
  public synchronized void fail(String activity, FailureType type, int times) {
    failures.put(activity, new Failure(type, times, null));
  }

  /**
   * The next {@code times} calls of {@code activity} whose arguments contain {@code argsContaining}
   * ("api v2") fail with {@code type}; other calls go through.
   */
  public synchronized void fail(String activity, String argsContaining, FailureType type, int times) {
    failures.put(activity, new Failure(type, times, argsContaining));
  }

  /**
   * A call held in the middle: the next call of {@code activity} whose arguments contain {@code
   * argsContaining} blocks, once it has started, until {@link Hold#release()}.
   */
  public Hold hold(String activity, String argsContaining) {
    Hold h = new Hold(activity, argsContaining);
    holds.add(h);
    return h;
  }

  public static final class Hold {
    private final String activity;
    private final String argsContaining;
    private final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

    private Hold(String activity, String argsContaining) {
      this.activity = activity;
      this.argsContaining = argsContaining;
    }

    /** Waits until the held call has started. */
    public void awaitEntered() {
      try {
        if (!entered.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new AssertionError(activity + " with " + argsContaining + " was never called");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    public void release() {
      released.countDown();
    }
  }

  /** Blocks the calling activity while a hold matches it (outside the world's lock). */
  private void pauseIfHeld(String activity, String args) {
    for (Hold h : holds) {
      if (h.activity.equals(activity) && args.contains(h.argsContaining) && holds.remove(h)) {
        h.entered.countDown();
        try {
          h.released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
    }
  }

  /** Stops failing {@code activity}. */
  public synchronized void heal(String activity) {
    failures.remove(activity);
  }

  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  public synchronized List<String> calls(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  public synchronized List<Notification> notifications() {
    return List.copyOf(notifications);
  }

  /** The messages dry runs planned (and did not send). */
  public synchronized List<Notification> plannedNotifications() {
    return List.copyOf(plannedNotifications);
  }

  public synchronized List<AuditEvent> audit() {
    return List.copyOf(audit);
  }

  /** How many calls changed something (a dry run must leave this at zero). */
  public synchronized int mutations() {
    return mutations;
  }

  /** The fakes except those implementing {@code real}, which a test registers for real. */
  public Object[] activitiesExcept(Class<?>... real) {
    return java.util.Arrays.stream(activities())
        .filter(a -> java.util.Arrays.stream(real).noneMatch(r -> r.isInstance(a)))
        .toArray();
  }

  /** The activity implementations, to register on a test worker. */
  public Object[] activities() {
    return new Object[] {
      new Services(), new Checks(), new Databases(), new Notify(), new Audit(), new Policy(), new Plans(), retention, configs, drills, breaks, checklists
    };
  }

  /** Counts a call that changed something. */
  synchronized void mutated() {
    mutations++;
  }

  synchronized void enter(String activity, String args, boolean dryRun) {
    calls.add(activity + " " + args + (dryRun ? " dry" : ""));
    Failure f = failures.get(activity);
    if (f != null && (f.argsContaining() == null || args.contains(f.argsContaining()))) {
      if (f.remaining() <= 1) {
        failures.remove(activity);
      } else {
        failures.put(activity, new Failure(f.type(), f.remaining() - 1, f.argsContaining()));
      }
      String message = activity + " failed (" + args + ")";
      throw f.type().retryable()
          ? ApplicationFailure.newFailure(message, f.type().name())
          : ApplicationFailure.newNonRetryableFailure(message, f.type().name());
    }
  }

  Service service(String name) {
    Service s = services.get(name);
    if (s == null) {
      throw ApplicationFailure.newNonRetryableFailure("unknown service " + name, FailureType.UNKNOWN_SERVICE.name());
    }
    return s;
  }

  private Database database(String name) {
    Database d = databases.get(name);
    if (d == null) {
      throw ApplicationFailure.newNonRetryableFailure("unknown database " + name, FailureType.UNKNOWN_DATABASE.name());
    }
    return d;
  }

  private static List<String> plan(boolean dryRun, String line) {
    return List.of((dryRun ? "would run: " : "ran: ") + line);
  }

  private final class Services implements ServiceActivities {
    @Override
    public ServiceEvidence captureEvidence(ServiceQuery q) {
      synchronized (FakeWorld.this) {
        enter("Service.captureEvidence", q.service(), q.dryRun());
        Service s = service(q.service());
        boolean ok = s.healthy && !s.broken.contains(s.version);
        return new ServiceEvidence(q.service(), s.version, ok, ok ? "ok" : "down", plan(q.dryRun(), "GET /version"));
      }
    }

    @Override
    public TargetVersion resolveTarget(TargetVersionRequest r) {
      synchronized (FakeWorld.this) {
        enter("Service.resolveTarget", r.service(), r.dryRun());
        Service s = service(r.service());
        if (r.requestedVersion() != null) {
          if (!s.history.contains(r.requestedVersion()) && !r.requestedVersion().equals(s.version)) {
            throw ApplicationFailure.newNonRetryableFailure(
                "unknown version " + r.requestedVersion(), FailureType.UNKNOWN_VERSION.name());
          }
          return new TargetVersion(r.service(), r.requestedVersion(), "requested", List.copyOf(s.history), List.of());
        }
        return new TargetVersion(r.service(), s.history.get(0), "last-known-good", List.copyOf(s.history), List.of());
      }
    }

    @Override
    public ServiceActionResult stop(ServiceAction a) {
      synchronized (FakeWorld.this) {
        enter("Service.stop", a.service(), a.dryRun());
        Service s = service(a.service());
        boolean changed = s.running && !a.dryRun();
        if (changed) {
          s.running = false;
          mutations++;
        }
        return new ServiceActionResult(a.service(), changed, "stopped", plan(a.dryRun(), "stop " + a.service()));
      }
    }

    @Override
    public ServiceActionResult start(ServiceAction a) {
      synchronized (FakeWorld.this) {
        enter("Service.start", a.service(), a.dryRun());
        Service s = service(a.service());
        boolean changed = !s.running && !a.dryRun();
        if (changed) {
          s.running = true;
          mutations++;
        }
        return new ServiceActionResult(a.service(), changed, "started", plan(a.dryRun(), "start " + a.service()));
      }
    }

    @Override
    public ServiceActionResult deploy(DeployRequest r) {
      synchronized (FakeWorld.this) {
        enter("Service.deploy", r.service() + " " + r.version(), r.dryRun());
        Service s = service(r.service());
        boolean changed = !r.version().equals(s.version) && !r.dryRun();
        if (changed) {
          s.history.remove(r.version());
          s.history.add(0, s.version);
          s.version = r.version();
          mutations++;
        }
        return new ServiceActionResult(
            r.service(), changed, "deployed " + r.version(), plan(r.dryRun(), "deploy " + r.service() + " " + r.version()));
      }
    }

    @Override
    public ServiceActionResult restart(ServiceAction a) {
      synchronized (FakeWorld.this) {
        enter("Service.restart", a.service(), a.dryRun());
        Service s = service(a.service());
        boolean changed = !a.dryRun();
        if (changed) {
          s.running = true;
          mutations++;
        }
        return new ServiceActionResult(a.service(), changed, "restarted", plan(a.dryRun(), "restart " + a.service()));
      }
    }

    @Override
    public VerifyResult verify(VerifyRequest r) {
      synchronized (FakeWorld.this) {
        enter("Service.verify", r.service() + " " + r.expectedVersion(), r.dryRun());
        Service s = service(r.service());
        if (!r.dryRun()) {
          boolean ok = s.up() && (r.expectedVersion() == null || r.expectedVersion().equals(s.version));
          if (!ok) {
            throw ApplicationFailure.newFailure(
                r.service() + " is not healthy on " + r.expectedVersion() + " (runs " + s.version + ")",
                FailureType.VERIFICATION_FAILED.name());
          }
        }
        return new VerifyResult(r.service(), true, r.dryRun() ? r.expectedVersion() : s.version, List.of(), plan(r.dryRun(), "GET /health"));
      }
    }

    @Override
    public HealthReading health(ServiceQuery q) {
      synchronized (FakeWorld.this) {
        enter("Service.health", q.service(), q.dryRun());
        Service s = service(q.service());
        boolean ok = s.up();
        return new HealthReading(q.service(), ok, s.version, ok ? "ok" : "503");
      }
    }
  }

  private final class Checks implements CheckActivities {
    @Override
    public CheckReport smokeChecks(CheckRequest r) {
      synchronized (FakeWorld.this) {
        enter("Check.smokeChecks", r.service(), r.dryRun());
        Service s = services.get(r.service());
        boolean ok = s == null || !s.broken.contains(s.version);
        return new CheckReport(r.service(), ok, List.of(new CheckResult("login", ok, ok ? "200" : "500")),
            plan(r.dryRun(), "GET /login"));
      }
    }

    @Override
    public ErrorRateReading errorRate(ErrorRateRequest r) {
      synchronized (FakeWorld.this) {
        enter("Check.errorRate", r.service(), r.dryRun());
        Service s = services.get(r.service());
        if (s != null && s.broken.contains(s.version)) {
          return new ErrorRateReading(r.service(), 0.5, 0.10, false, "50%", plan(r.dryRun(), "query error rate"));
        }
        return new ErrorRateReading(r.service(), 0.01, 0.10, true, "1%", plan(r.dryRun(), "query error rate"));
      }
    }
  }

  private final class Databases implements DatabaseActivities {
    @Override
    public BackupResult backup(BackupRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.backup", r.database(), r.dryRun());
        Database d = database(r.database());
        String id = "bk-" + Integer.toHexString(r.key().hashCode());
        boolean reused = d.backups.containsKey(id);
        if (!r.dryRun() && !reused) {
          d.backups.put(id, d.schema);
          mutations++;
        }
        return new BackupResult(
            r.database(), id, "/backups/" + id, 1024, "sha", Integer.toString(d.schema),
            Instant.EPOCH, reused, plan(r.dryRun(), "pg_dump " + r.database()));
      }
    }

    @Override
    public BackupInfo resolveBackup(ResolveBackupRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.resolveBackup", r.database() + " " + r.backupId(), r.dryRun());
        Database d = database(r.database());
        String id = r.backupId() != null ? r.backupId() : "api-nightly";
        Integer schema = d.backups.get(id);
        if (schema == null) {
          throw ApplicationFailure.newNonRetryableFailure("unknown backup " + id, FailureType.UNKNOWN_BACKUP.name());
        }
        DatabaseIdentity source = sourceOf(r.database(), id);
        DatabaseIdentity target = identity(r.database(), SYSTEM_ID);
        boolean cross = !source.sameDatabase(target);
        refuseForeign(r.database(), id, r.crossRestore());
        return new BackupInfo(r.database(), id, Integer.toString(schema), Instant.EPOCH, 1024, true,
            plan(r.dryRun(), "pg_restore --list " + id), source, target, cross);
      }
    }

    private DatabaseIdentity sourceOf(String database, String id) {
      return identity(database, database(database).foreign.getOrDefault(id, SYSTEM_ID));
    }

    private DatabaseIdentity identity(String database, String systemId) {
      return new DatabaseIdentity(systemId, SYSTEM_ID.equals(systemId) ? "db1" : "db2", 5432, database);
    }

    private void refuseForeign(String database, String id, boolean crossRestore) {
      if (database(database).foreign.containsKey(id) && !crossRestore) {
        throw ApplicationFailure.newNonRetryableFailure("backup " + id + " was taken from "
            + sourceOf(database, id).describe() + ", but " + database + " is "
            + identity(database, SYSTEM_ID).describe(), FailureType.BACKUP_OF_ANOTHER_DATABASE.name());
      }
    }

    @Override
    public SchemaTarget resolveSchemaTarget(SchemaTargetRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.resolveSchemaTarget", r.database(), r.dryRun());
        Database d = database(r.database());
        int target;
        if (r.toMigration() != null) {
          target = Integer.parseInt(r.toMigration());
        } else if (r.appVersion() != null && d.appSchema.containsKey(r.appVersion())) {
          target = d.appSchema.get(r.appVersion());
        } else {
          target = d.schema - (r.steps() == null ? 1 : r.steps());
        }
        List<String> revert = new ArrayList<>();
        for (int v = d.schema; v > target; v--) {
          revert.add(Integer.toString(v));
        }
        return new SchemaTarget(r.database(), Integer.toString(d.schema), Integer.toString(target), revert, List.of());
      }
    }

    @Override
    public RevertResult revertMigrations(RevertRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.revertMigrations", r.database() + " " + r.targetVersion(), r.dryRun());
        Database d = database(r.database());
        int target = Integer.parseInt(r.targetVersion());
        String from = Integer.toString(d.schema);
        boolean changed = d.schema > target && !r.dryRun();
        if (changed) {
          d.schema = target;
          mutations++;
        }
        return new RevertResult(r.database(), from, r.targetVersion(), List.of(), changed, plan(r.dryRun(), "run U" + from + " down to " + target));
      }
    }

    @Override
    public IntegrityReport checkIntegrity(IntegrityRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.checkIntegrity", r.database() + (r.runTag() == null ? "" : " staged"), r.dryRun());
        Database d = database(r.database());
        int schema = r.runTag() != null && d.stagedSchema != null ? d.stagedSchema : d.schema;
        boolean corrupted = r.runTag() == null && d.corrupted;
        boolean schemaOk = r.expectedSchema() == null || r.dryRun() || r.expectedSchema().equals(Integer.toString(schema));
        boolean passed = !corrupted && schemaOk;
        if (r.enforce() && !passed) {
          throw ApplicationFailure.newNonRetryableFailure(
              "integrity checks failed on " + r.database(), FailureType.INTEGRITY_CHECK_FAILED.name());
        }
        return new IntegrityReport(
            r.database(), Integer.toString(schema), passed,
            List.of(new CheckResult("orders-not-empty", !corrupted, corrupted ? "0 rows" : "42 rows")),
            plan(r.dryRun(), "select count(*) from orders"));
      }
    }

    @Override
    public RestoreResult restoreStaged(StagedRestoreRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.restoreStaged", r.database() + " " + r.backupId(), r.dryRun());
        Database d = database(r.database());
        refuseForeign(r.database(), r.backupId(), r.crossRestore());
        Integer schema = d.backups.get(r.backupId());
        boolean changed = !r.dryRun() && !r.runTag().equals(d.stagedTag);
        if (changed) {
          d.stagedTag = r.runTag();
          d.stagedSchema = schema;
          mutations++;
        }
        return new RestoreResult(r.database(), r.database() + "__rb_" + r.runTag(), r.backupId(), changed, "", plan(r.dryRun(), "pg_restore into staging"));
      }
    }

    @Override
    public SwapResult swap(SwapRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.swap", r.database(), r.dryRun());
        Database d = database(r.database());
        boolean changed = !r.dryRun() && r.runTag().equals(d.stagedTag);
        if (changed) {
          d.safetyName = r.database() + "__before_" + r.runTag();
          d.backups.put(d.safetyName, d.schema);
          d.schema = d.stagedSchema;
          d.corrupted = false;
          d.stagedTag = null;
          d.stagedSchema = null;
          mutations++;
        }
        return new SwapResult(r.database(), r.database(), r.database() + "__before_" + r.runTag(), changed, plan(r.dryRun(), "alter database rename"));
      }
    }

    @Override
    public SwapResult swapBack(SwapRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.swapBack", r.database(), r.dryRun());
        Database d = database(r.database());
        String safety = r.database() + "__before_" + r.runTag();
        boolean changed = !r.dryRun() && safety.equals(d.safetyName);
        if (changed) {
          d.schema = d.backups.get(safety);
          d.safetyName = null;
          mutations++;
        }
        return new SwapResult(r.database(), r.database(), null, changed, plan(r.dryRun(), "alter database rename back"));
      }
    }

    @Override
    public RestoreResult restoreInPlace(InPlaceRestoreRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.restoreInPlace", r.database() + " " + r.backupId(), r.dryRun());
        Database d = database(r.database());
        refuseForeign(r.database(), r.backupId(), r.crossRestore());
        Integer schema = d.backups.get(r.backupId());
        if (schema == null) {
          throw ApplicationFailure.newNonRetryableFailure("unknown backup " + r.backupId(), FailureType.UNKNOWN_BACKUP.name());
        }
        boolean changed = !r.dryRun();
        if (changed) {
          d.schema = schema;
          d.corrupted = false;
          mutations++;
        }
        return new RestoreResult(r.database(), r.database(), r.backupId(), changed, "", plan(r.dryRun(), "restore in place " + r.backupId()));
      }
    }

    @Override
    public ImportResult importBackup(ImportRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.importBackup", r.database() + " " + r.file() + " by " + r.importedBy(), r.dryRun());
        Database d = database(r.database());
        Integer schema = d.files.get(r.file());
        if (schema == null) {
          throw ApplicationFailure.newNonRetryableFailure("there is no " + r.file() + " on worker fake",
              FailureType.INVALID_INPUT.name());
        }
        String id = "import-" + String.format("%016x", (long) (r.file() + schema).hashCode());
        boolean reused = d.backups.containsKey(id);
        if (!r.dryRun() && !reused) {
          d.backups.put(id, schema);
          d.importedBy.put(id, r.importedBy());
          mutations++;
        }
        return new ImportResult(r.database(), id, "plain-gzip", "sha-" + id, 2048, Integer.toString(schema),
            Instant.EPOCH, Instant.EPOCH, d.importedBy.getOrDefault(id, r.importedBy()), r.file(),
            identity(r.database(), SYSTEM_ID), reused, plan(r.dryRun(), "check and copy " + r.file()));
      }
    }

    @Override
    public DiscardReport measureDiscard(DiscardRequest r) {
      pauseIfHeld("Database.measureDiscard", r.database());
      synchronized (FakeWorld.this) {
        enter("Database.measureDiscard", r.database(), r.dryRun());
        Database d = database(r.database());
        if (!r.dryRun() && !r.runTag().equals(d.stagedTag)) {
          throw ApplicationFailure.newNonRetryableFailure(
              "no staging database for run " + r.runTag(), FailureType.UNKNOWN_DATABASE.name());
        }
        return new DiscardReport(r.database(), Instant.parse("2026-01-01T00:00:00Z"), r.dryRun() ? List.of() : d.discards,
            r.dryRun() ? null : "salvage_" + r.runTag(), r.dryRun() ? null : "salvage_" + r.runTag() + ".sql",
            plan(r.dryRun(), "compare " + r.database() + " with its staged copy"));
      }
    }

    @Override
    public SwapResult dropStaging(SwapRequest r) {
      synchronized (FakeWorld.this) {
        enter("Database.dropStaging", r.database(), r.dryRun());
        Database d = database(r.database());
        boolean changed = !r.dryRun() && r.runTag().equals(d.stagedTag);
        if (changed) {
          d.stagedTag = null;
          d.stagedSchema = null;
          mutations++;
        }
        return new SwapResult(r.database(), r.database(), null, changed, plan(r.dryRun(), "drop database staging"));
      }
    }
  }

  private final class Notify implements NotifyActivities {
    @Override
    public NotifyResult send(Notification n) {
      pauseIfHeld("Notify.send", n.kind().name());
      synchronized (FakeWorld.this) {
        enter("Notify.send", n.kind().name(), n.dryRun());
        if (!n.dryRun() && notifications.stream().noneMatch(x -> x.key().equals(n.key()))) {
          notifications.add(n);
        }
        if (n.dryRun()) {
          plannedNotifications.add(n);
        }
        return new NotifyResult(
            n.dryRun() ? List.of() : List.of("console"), List.of(),
            n.dryRun() ? List.of("would post " + n.kind() + " to console") : List.of());
      }
    }
  }

  private final class Audit implements AuditActivities {
    @Override
    public void record(AuditBatch batch) {
      String types = batch.events().stream().map(e -> e.type().name()).collect(java.util.stream.Collectors.joining(","));
      pauseIfHeld("Audit.record", types);
      synchronized (FakeWorld.this) {
        enter("Audit.record", types, false);
        for (AuditEvent e : batch.events()) {
          if (auditKeys.add(batch.runId() + "/" + e.seq())) {
            audit.add(e);
          }
        }
      }
    }
  }

  private final class Policy implements PolicyActivities {
    @Override
    public PolicySnapshot snapshot(PolicyRequest request) {
      synchronized (FakeWorld.this) {
        enter("Policy.snapshot", request.runbook().id(), false);
        return policy;
      }
    }
  }

  /** Plans read from this world as it is now: a change to it between two reads changes the hash. */
  private final class Plans implements PlanActivities {
    @Override
    public Plan plan(PlanRequest request) {
      synchronized (FakeWorld.this) {
        enter("Plan.plan", Integer.toString(request.actions().size()), true);
        List<String> lines = new ArrayList<>();
        for (PlanActivities.PlannedAction a : request.actions()) {
          switch (a.kind()) {
            case DEPLOY -> lines.add(a.target() + ": running " + service(a.target()).version + "; deploy " + a.version());
            case REVERT_SCHEMA -> lines.add(a.target() + ": schema " + database(a.target()).schema + "; revert to " + a.version());
            case SWAP, RESTORE_IN_PLACE -> lines.add(a.target() + ": "
                + a.kind().name().toLowerCase(java.util.Locale.ROOT) + " backup " + a.version()
                + " (schema " + database(a.target()).backups.get(a.version()) + ")");
            default -> lines.add(a.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + a.target()
                + (a.version() == null ? "" : " " + a.version()));
          }
        }
        return new Plan(lines, sha256(String.join("\n", lines)));
      }
    }
  }

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
