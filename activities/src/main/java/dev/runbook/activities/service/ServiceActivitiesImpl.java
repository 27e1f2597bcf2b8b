package dev.runbook.activities.service;

import dev.runbook.activities.Failures;
import dev.runbook.activities.Heartbeat;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.ledger.ReleaseHistory;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.workflows.activities.CheckResult;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.ServiceActivities;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Durations;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * The service activities, over one adapter per configured service.
 *
 * <p>Stop, start and deploy are idempotent twice over. The adapter first looks at the service
 * and does nothing when it is already as wanted (a stopped service is not stopped again, a
 * running healthy version not deployed again). And each key's outcome is journaled in the
 * service's state directory after the work, so a retry of the same step (the worker died before
 * Temporal heard the result) returns the recorded result without acting again, even where the
 * adapter cannot look (a {@code command} stop).
 *
 * <p>In a dry run the reads still happen (they change nothing, and without them the plan could
 * not say which version would be deployed or whether anything is to be done); the changing steps
 * are only listed. {@code planned} holds both: what was read and what would run.
 */
public final class ServiceActivitiesImpl implements ServiceActivities {
  private static final Duration POLL = Duration.ofSeconds(1);

  private record Service(String name, ServiceSettings settings, ServiceAdapter adapter,
      KeyJournal journal, ReentrantLock lock) {}

  private final Map<String, Service> services;
  private final CommandRunner runner = new CommandRunner();
  private final ReleaseLedger ledger;
  private final Path baseDir;

  /**
   * @param services the {@code services} section of {@code runbook.yaml}
   * @param baseDir the directory relative paths in it are resolved against (the file's folder)
   * @param stateDir where adapters keep pid files, version histories and the key journal
   * @param ledger the release ledger that chooses rollback targets
   */
  public ServiceActivitiesImpl(Map<String, ServiceSettings> services, Path baseDir,
      Path stateDir, ReleaseLedger ledger) {
    this(services, baseDir, stateDir, System.getenv("PATH"), Clock.systemUTC(), ledger);
  }

  /**
   * Without a release ledger: targets come from the adapters' lists of versions only. For acting
   * on services outside a run (the demo's setup deploys, as CI would) and for tests of the
   * adapters, which have no rollback log.
   */
  public ServiceActivitiesImpl(Map<String, ServiceSettings> services, Path baseDir, Path stateDir) {
    this(services, baseDir, stateDir, System.getenv("PATH"), Clock.systemUTC(), null);
  }

  /**
   * Without a release ledger, with a search path and clock of the caller's (tests).
   *
   * @param searchPath where {@code docker}, {@code kubectl} and {@code setsid} are looked for
   */
  public ServiceActivitiesImpl(Map<String, ServiceSettings> services, Path baseDir,
      Path stateDir, String searchPath, Clock clock) {
    this(services, baseDir, stateDir, searchPath, clock, null);
  }

  /** @param ledger the release ledger, or null to choose targets from the adapters' lists only */
  public ServiceActivitiesImpl(Map<String, ServiceSettings> services, Path baseDir,
      Path stateDir, String searchPath, Clock clock, ReleaseLedger ledger) {
    this.ledger = ledger;
    this.baseDir = baseDir;
    List<String> problems = ServiceSettings.problemsOf(services);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid services configuration: "
          + String.join("; ", problems));
    }
    Executables executables = new Executables(searchPath, baseDir);
    Map<String, Service> built = new LinkedHashMap<>();
    services.forEach((name, settings) -> {
      Path dir = stateDir.resolve(name);
      ServiceAdapter adapter = adapterFor(name, settings, baseDir, dir, executables, clock);
      built.put(name, new Service(name, settings, adapter,
          new KeyJournal(dir.resolve("keys"), clock), new ReentrantLock()));
    });
    this.services = Map.copyOf(built);
  }

  private static ServiceAdapter adapterFor(String name, ServiceSettings settings, Path baseDir,
      Path stateDir, Executables executables, Clock clock) {
    Endpoints endpoints = new Endpoints(settings.healthUrl(), settings.versionUrl(),
        settings.versionField());
    VersionHistory history = new VersionHistory(stateDir.resolve("history.json"), clock);
    AdapterKind kind = settings.adapterKind().orElseThrow();
    return switch (kind) {
      case PROCESS -> new ProcessAdapter(name, settings.process(), endpoints,
          workDir(baseDir, settings.process().workDir()), stateDir, history, executables);
      case COMMAND -> new CommandAdapter(name, settings.command(), endpoints,
          workDir(baseDir, settings.command().workDir()), history);
      case DOCKER_COMPOSE -> new ComposeAdapter(name, settings.dockerCompose(), endpoints,
          baseDir, history, executables);
      case KUBERNETES -> new KubernetesAdapter(name, settings.kubernetes(), endpoints, baseDir,
          stateDir, executables);
    };
  }

  private static Path workDir(Path baseDir, String configured) {
    return configured == null ? baseDir : baseDir.resolve(configured);
  }

  @Override
  public ServiceEvidence captureEvidence(ServiceQuery query) {
    Service service = service(query.service());
    Trace trace = trace();
    trace.progress("reading the version and health of " + service.name());
    Optional<String> version = service.adapter().currentVersion(trace);
    ServiceAdapter.Health health = service.adapter().health(trace);
    return new ServiceEvidence(service.name(), version.orElse(null), health.healthy(),
        health.detail(), trace.ran());
  }

  /**
   * The version to roll back to, chosen from the release ledger (see {@link TargetChooser}); the
   * adapter's list only for a service the ledger has never seen. A read: safe to run twice.
   */
  @Override
  public TargetVersion resolveTarget(TargetVersionRequest request) {
    Service service = service(request.service());
    String requested = request.requestedVersion();
    if (requested != null) {
      checkVersion(service, requested, "requested version");
    }
    Trace trace = trace();
    ReleaseHistory history = null;
    if (ledger != null) {
      trace.progress("reading the release ledger of " + service.name());
      history = ledger.history(service.name(), service.settings().soak());
    }
    trace.progress("listing the versions of " + service.name());
    List<String> listed = service.adapter().previousVersions(trace);
    String current = request.currentVersion() != null || requested != null
        ? request.currentVersion()
        : service.adapter().currentVersion(trace).orElse(null);
    return TargetChooser.choose(service.name(), history, listed, current, requested,
        request.force(), trace.ran());
  }

  @Override
  public ServiceActionResult stop(ServiceAction action) {
    Service service = service(action.service());
    return act(service, action.key(), action.dryRun(), "stop", ServiceAdapter::planStop);
  }

  @Override
  public ServiceActionResult start(ServiceAction action) {
    Service service = service(action.service());
    return act(service, action.key(), action.dryRun(), "start", ServiceAdapter::planStart);
  }

  @Override
  public ServiceActionResult deploy(DeployRequest request) {
    Service service = service(request.service());
    String version = request.version();
    if (version == null) {
      throw Failures.of(FailureType.INVALID_INPUT, "deploy of " + service.name()
          + " needs a version: resolve the target first");
    }
    checkVersion(service, version, "version");
    return act(service, request.key(), request.dryRun(), "deploy " + version,
        (adapter, trace) -> adapter.planDeploy(version, trace));
  }

  /**
   * Restarts the service so it reads its configuration: {@code config.restart} when configured,
   * else the adapter's restart. Done once per key, like stop and start.
   */
  @Override
  public ServiceActionResult restart(ServiceAction action) {
    Service service = service(action.service());
    List<String> configured = service.settings().config() == null ? List.of()
        : service.settings().config().restart();
    if (configured.isEmpty()) {
      return act(service, action.key(), action.dryRun(), "restart", ServiceAdapter::planRestart);
    }
    CommandRunner.Command restart = new CommandRunner.Command(
        Argv.substitute(configured, service.name(), null), Map.of(), baseDir, Duration.ofMinutes(5));
    return act(service, action.key(), action.dryRun(), "restart", (adapter, reads) -> new ServiceAdapter.Plan(
        List.of(new ServiceAdapter.Step(restart.display(), trace -> {
          trace.progress("restarting " + service.name());
          trace.runChecked(restart);
          return null;
        })), "restart " + service.name() + " with services." + service.name() + ".config.restart"));
  }

  private ServiceActionResult act(Service service, String key, boolean dryRun, String action,
      BiFunction<ServiceAdapter, Trace, ServiceAdapter.Plan> planner) {
    if (!dryRun && (key == null || key.isBlank())) {
      throw Failures.of(FailureType.INVALID_INPUT, action + " of " + service.name()
          + " needs an idempotency key: pass the workflow ID and step");
    }
    service.lock().lock();
    try {
      if (!dryRun) {
        Optional<KeyJournal.Entry> done = service.journal().find(key);
        if (done.isPresent()) {
          return replay(service, key, action, done.get());
        }
      }
      Trace trace = trace();
      ServiceAdapter.Plan plan = planner.apply(service.adapter(), trace);
      if (dryRun) {
        List<String> planned = new ArrayList<>(trace.ran());
        planned.addAll(plan.displays());
        String detail = plan.changes()
            ? "dry run, nothing changed: would " + plan.detail()
            : "dry run: " + plan.detail();
        return new ServiceActionResult(service.name(), false, detail, planned);
      }
      ServiceAdapter.Change change = plan.apply(trace);
      service.journal().record(key, action, change.changed(), change.detail(), trace.ran());
      return new ServiceActionResult(service.name(), change.changed(), change.detail(),
          trace.ran());
    } finally {
      service.lock().unlock();
    }
  }

  /** The result recorded for this key, returned again: the work is not done a second time. */
  private static ServiceActionResult replay(Service service, String key, String action,
      KeyJournal.Entry done) {
    if (!done.action().equals(action)) {
      throw Failures.of(FailureType.INVALID_INPUT, "key " + key + " was already used for '"
          + done.action() + "' of " + service.name() + ", not '" + action + "': give each step"
          + " its own key");
    }
    return new ServiceActionResult(service.name(), done.changed(), "already done under this"
        + " key at " + done.at() + ": " + done.detail(), done.ran());
  }

  @Override
  public VerifyResult verify(VerifyRequest request) {
    Service service = service(request.service());
    String expected = request.expectedVersion();
    if (expected != null) {
      checkVersion(service, expected, "expected version");
    }
    ServiceAdapter adapter = service.adapter();
    if (request.dryRun()) {
      List<String> planned = new ArrayList<>(adapter.planHealth());
      planned.addAll(adapter.planCurrentVersion());
      List<CheckResult> checks = new ArrayList<>();
      checks.add(new CheckResult("health", true, "dry run: not checked"));
      if (expected != null) {
        checks.add(new CheckResult("version", true, "dry run: not checked"));
      }
      return new VerifyResult(service.name(), true, expected, checks, planned);
    }
    Duration timeout = service.settings().verifyTimeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    Trace trace = trace();
    for (int poll = 1; ; poll++) {
      trace.progress("verifying " + service.name() + ": poll " + poll);
      // The first poll's reads are listed; later ones repeat them.
      Trace reads = poll == 1 ? trace : trace.quiet();
      ServiceAdapter.Health health;
      Optional<String> version;
      try {
        health = adapter.health(reads);
        version = adapter.currentVersion(reads);
      } catch (ApplicationFailure e) {
        if (e.isNonRetryable()) {
          throw e;
        }
        health = new ServiceAdapter.Health(false, e.getOriginalMessage());
        version = Optional.empty();
      }
      boolean versionOk = expected == null || version.filter(expected::equals).isPresent();
      String versionDetail = expected == null
          ? "running " + version.orElse("an unknown version")
          : "expected " + expected + ", running " + version.orElse("an unknown version");
      if (health.healthy() && versionOk) {
        List<CheckResult> checks = new ArrayList<>();
        checks.add(new CheckResult("health", true, health.detail()));
        if (expected != null) {
          checks.add(new CheckResult("version", true, versionDetail));
        }
        return new VerifyResult(service.name(), true, version.orElse(null), checks,
            trace.ran());
      }
      if (System.nanoTime() >= deadline) {
        List<String> failed = new ArrayList<>();
        if (!health.healthy()) {
          failed.add("health: " + health.detail());
        }
        if (!versionOk) {
          failed.add("version: " + versionDetail);
        }
        throw Failures.of(FailureType.VERIFICATION_FAILED, service.name() + " did not verify"
            + " within " + Durations.human(timeout) + " (" + poll + " polls): " + String.join("; ", failed));
      }
      sleep(POLL);
    }
  }

  @Override
  public HealthReading health(ServiceQuery query) {
    Service service = service(query.service());
    Trace trace = trace();
    trace.progress("reading the health of " + service.name());
    ServiceAdapter.Health health = service.adapter().health(trace);
    Optional<String> version = service.adapter().currentVersion(trace);
    return new HealthReading(service.name(), health.healthy(), version.orElse(null),
        health.detail());
  }

  private Trace trace() {
    return new Trace(Heartbeat.current(), runner);
  }

  private Service service(String name) {
    if (name == null || !Validation.NAME.matcher(name).matches()) {
      throw Failures.of(FailureType.INVALID_INPUT, "service '"
          + Validation.printable(String.valueOf(name)) + "' is not a valid service name: use"
          + " lower-case letters, digits, '.', '_' or '-'");
    }
    Service service = services.get(name);
    if (service == null) {
      throw Failures.of(FailureType.UNKNOWN_SERVICE, "no service '" + name + "' is configured"
          + " (known: " + String.join(", ", services.keySet().stream().sorted().toList())
          + "): add it under services in runbook.yaml or fix the name");
    }
    return service;
  }

  private static void checkVersion(Service service, String version, String what) {
    if (!Validation.VERSION.matcher(version).matches()) {
      throw Failures.of(FailureType.INVALID_INPUT, service.name() + ": " + what + " '"
          + Validation.printable(version) + "' is not a valid version: use letters, digits and"
          + " . _ + : @ - (no spaces, quotes, ';', '$' or '/')");
    }
    service.adapter().checkVersion(version);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.VERIFICATION_FAILED, "interrupted while verifying");
    }
  }
}
