package dev.runbook.activities.config;

import dev.runbook.activities.Failures;
import dev.runbook.activities.Heartbeat;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.ledger.ReleaseHistory;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.activities.service.Executables;
import dev.runbook.activities.service.ServiceSettings;
import dev.runbook.workflows.activities.ConfigActivities;
import dev.runbook.workflows.activities.ConfigDiff;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.Validation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The configuration activities over each service's {@code config}: snapshots sealed with the
 * workers' key and kept in the rollback log's database, the release ledger's choice of the one to
 * go back to, and restoring it. Values stay on the worker: results carry snapshot IDs, variable
 * names and short keyed hashes, and every command's output is redacted before it can reach a
 * message.
 */
public final class ConfigActivitiesImpl implements ConfigActivities {
  private record Service(String name, String kind, ConfigSource source, Set<String> kept, Duration soak,
      ReentrantLock lock) {}

  /** A configuration as read, named and hashed, not yet sealed. */
  private record Named(String id, Map<String, String> names, ConfigContent content) {}

  private final Map<String, Service> services;
  private final Set<String> known;
  private final ConfigKey key;
  private final ConfigSnapshots store;
  private final ReleaseLedger ledger;
  private final Clock clock;
  private final CommandRunner runner = new CommandRunner();

  /**
   * @param key the workers' key, or null when no service has a configuration
   * @param ledger the release ledger that chooses the configuration to go back to
   */
  public ConfigActivitiesImpl(Map<String, ServiceSettings> services, Path baseDir, ConfigKey key,
      DataSource dataSource, ReleaseLedger ledger) {
    this(services, baseDir, System.getenv("PATH"), key, dataSource, ledger, Clock.systemUTC());
  }

  /** @param searchPath where kubectl is looked for */
  public ConfigActivitiesImpl(Map<String, ServiceSettings> services, Path baseDir, String searchPath, ConfigKey key,
      DataSource dataSource, ReleaseLedger ledger, Clock clock) {
    this.key = key;
    this.store = new ConfigSnapshots(dataSource);
    this.ledger = ledger;
    this.clock = clock;
    this.known = new TreeSet<>(services.keySet());
    Executables executables = new Executables(searchPath, baseDir);
    Map<String, Service> built = new LinkedHashMap<>();
    services.forEach((name, s) -> {
      if (s.config() == null) {
        return;
      }
      ConfigSettings c = s.config().withDefaults(s.kubernetes());
      ConfigSource source = switch (c.kind()) {
        case ConfigSettings.ENV_FILE -> new EnvFileSource(name, baseDir.resolve(c.envFile()).normalize());
        case ConfigSettings.KUBERNETES -> new KubernetesSource(name, c.kubernetes(), executables, baseDir);
        default -> new CommandSource(name, c.command(),
            c.command().workDir() == null ? baseDir : baseDir.resolve(c.command().workDir()));
      };
      built.put(name, new Service(name, c.kind(), source, kept(s, c, baseDir), s.soak(), new ReentrantLock()));
    });
    this.services = Map.copyOf(built);
  }

  /** The services whose configuration is kept: the workers need {@link ConfigKey#ENV} for them. */
  public static List<String> withConfig(Map<String, ServiceSettings> services) {
    return services.entrySet().stream().filter(e -> e.getValue() != null && e.getValue().config() != null)
        .map(Map.Entry::getKey).sorted().toList();
  }

  /**
   * An env file that is also the compose file's env file holds the version's tag: that variable
   * belongs to the version, so a configuration neither records nor restores it.
   */
  private static Set<String> kept(ServiceSettings s, ConfigSettings c, Path baseDir) {
    if (c.envFile() == null || s.dockerCompose() == null || s.dockerCompose().envFile() == null) {
      return Set.of();
    }
    Path config = baseDir.resolve(c.envFile()).normalize();
    Path compose = baseDir.resolve(s.dockerCompose().envFile()).normalize();
    return config.equals(compose) ? Set.of(s.dockerCompose().tagVariable()) : Set.of();
  }

  @Override
  public ConfigSnapshot snapshot(SnapshotRequest request) {
    Service s = services.get(name(request.service()));
    if (s == null) {
      return new ConfigSnapshot(request.service(), false, null, null, List.of(), List.of());
    }
    requireKey(s);
    ConfigTrace trace = trace();
    Named now = name(s, s.source().read(trace));
    if (!request.dryRun()) {
      keep(s, now, request.takenBy());
    }
    return new ConfigSnapshot(s.name(), true, now.id(), s.kind(), List.copyOf(now.names().keySet()), trace.ran());
  }

  @Override
  public ConfigTarget resolveConfig(ConfigTargetRequest request) {
    Service s = configured(request.service());
    requireKey(s);
    if (ledger == null) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "no release ledger is wired here to choose a configuration");
    }
    ConfigTrace trace = trace();
    Named now = name(s, s.source().read(trace));
    if (!request.dryRun()) {
      keep(s, now, "before a rollback");
    }
    trace.progress("reading the release ledger of " + s.name());
    ReleaseHistory history = ledger.history(s.name(), s.soak());
    String version = request.version();
    Optional<ReleaseHistory.ConfigChoice> choice =
        version == null ? history.lastKnownGoodConfig(now.id()) : history.configOf(version);
    if (choice.isEmpty()) {
      if (request.keepWhenUnknown()) {
        return new ConfigTarget(s.name(), now.id(), now.id(), "the release ledger knows no configuration "
            + version + " ran healthy with, so it stays", diff(now.names(), now.names()), trace.ran());
      }
      throw Failures.of(FailureType.NO_GOOD_CONFIG, s.name() + ": no configuration is known good"
          + (version == null ? "" : " for " + version) + " (it has " + now.id() + " now). The release ledger says: "
          + history.whyNoGoodConfig(now.id()) + ". Record a deploy CI has checked with `runbook record deploy "
          + s.name() + " VERSION --verified` (it snapshots the configuration), or "
          + (version == null ? "roll the version back instead (without --config-only)"
              : "roll the version back without its configuration (without --with-config)"));
    }
    ConfigSnapshots.Stored target = stored(s, choice.get().snapshot());
    return new ConfigTarget(s.name(), target.id(), now.id(), choice.get().why(), diff(now.names(), target.names()),
        trace.ran());
  }

  @Override
  public ConfigRestoreResult restore(RestoreRequest request) {
    Service s = configured(request.service());
    requireKey(s);
    ConfigSnapshots.Stored stored = stored(s, request.snapshotId());
    s.lock().lock();
    try {
      ConfigTrace trace = trace();
      ConfigContent target = open(stored);
      trace.hide(target.variables(Set.of()).values());
      ConfigContent current = s.source().read(trace);
      Named now = name(s, current);
      ConfigDiff diff = diff(now.names(), stored.names());
      if (now.id().equals(stored.id())) {
        return new ConfigRestoreResult(s.name(), stored.id(), false, diff,
            s.name() + " has configuration " + stored.id() + " already: nothing to write", trace.ran());
      }
      List<ConfigSource.Write> writes = s.source().planWrite(target.keeping(s.kept(), current), current, trace);
      if (!request.dryRun()) {
        // What is about to be overwritten is kept first: nothing is lost, whoever restores.
        keep(s, now, "before restoring " + stored.id());
      }
      if (request.dryRun()) {
        List<String> planned = new ArrayList<>(trace.ran());
        writes.forEach(w -> planned.add(w.display()));
        return new ConfigRestoreResult(s.name(), stored.id(), false, diff,
            "configuration " + now.id() + " -> " + stored.id() + ": " + diff.describe(), planned);
      }
      for (ConfigSource.Write w : writes) {
        w.effect().accept(trace);
      }
      Named after = name(s, s.source().read(trace));
      if (!after.id().equals(stored.id())) {
        throw Failures.of(FailureType.COMMAND_FAILED, "after writing configuration " + stored.id() + " to " + s.name()
            + ", it reads back as " + after.id() + " (" + diff(after.names(), stored.names()).describe()
            + "): the platform did not take every change; the restore is tried again");
      }
      return new ConfigRestoreResult(s.name(), stored.id(), true, diff,
          "restored configuration " + stored.id() + " (was " + now.id() + "): " + diff.describe(), trace.ran());
    } finally {
      s.lock().unlock();
    }
  }

  /**
   * Writes {@code values} over the service's configuration (a drill's configuration break); what
   * it read is kept first, sealed, like before a restore. Values never leave this method: the
   * answer names them. The same values again change nothing.
   *
   * @return the names written, or none when the service had those values already
   */
  public List<String> overwrite(String service, Map<String, String> values, String takenBy) {
    Service s = configured(service);
    requireKey(s);
    s.lock().lock();
    try {
      ConfigTrace trace = trace();
      trace.hide(values.values());
      ConfigContent current = s.source().read(trace);
      ConfigContent target = current.with(values);
      if (target.equals(current)) {
        return List.of();
      }
      keep(s, name(s, current), takenBy);
      for (ConfigSource.Write w : s.source().planWrite(target, current, trace)) {
        w.effect().accept(trace);
      }
      return List.copyOf(new TreeSet<>(values.keySet()));
    } finally {
      s.lock().unlock();
    }
  }

  /** Seals and keeps a snapshot; the same configuration again changes nothing. */
  private void keep(Service s, Named now, String takenBy) {
    store.save(new ConfigSnapshots.Stored(now.id(), s.name(), s.kind(), now.names(),
        key.seal(now.content().toBytes(), now.id()), key.id(), clock.instant(), takenBy));
  }

  /** Changes from one configuration's hashed names to another's, sorted by name. */
  static ConfigDiff diff(Map<String, String> from, Map<String, String> to) {
    Set<String> names = new TreeSet<>(from.keySet());
    names.addAll(to.keySet());
    List<ConfigDiff.Change> changes = new ArrayList<>();
    for (String n : names) {
      String a = from.get(n);
      String b = to.get(n);
      ConfigDiff.Kind kind = a == null ? ConfigDiff.Kind.ADDED : b == null ? ConfigDiff.Kind.REMOVED
          : a.equals(b) ? ConfigDiff.Kind.UNCHANGED : ConfigDiff.Kind.CHANGED;
      changes.add(new ConfigDiff.Change(n, kind, a, b));
    }
    return new ConfigDiff(changes);
  }

  private Named name(Service s, ConfigContent content) {
    String id = "cfg-" + key.hash("snapshot", s.name(), content.canonical(s.kept())).substring(0, 12);
    Map<String, String> names = new TreeMap<>();
    content.variables(s.kept()).forEach((n, v) -> names.put(n, key.shortHash(n, v)));
    return new Named(id, names, content);
  }

  private ConfigContent open(ConfigSnapshots.Stored stored) {
    if (!stored.keyId().equals(key.id())) {
      throw Failures.of(FailureType.BAD_CREDENTIALS, "configuration snapshot " + stored.id() + " was sealed with"
          + " key " + stored.keyId() + ", and this worker has " + key.id() + ": give the workers the "
          + ConfigKey.ENV + " it was taken with");
    }
    try {
      return ConfigContent.fromBytes(key.open(stored.sealed(), stored.id()));
    } catch (IllegalStateException e) {
      throw Failures.of(FailureType.BAD_CREDENTIALS, e.getMessage());
    }
  }

  private ConfigSnapshots.Stored stored(Service s, String id) {
    return store.find(id).filter(x -> x.service().equals(s.name())).orElseThrow(() -> Failures.of(
        FailureType.INVALID_INPUT, "no configuration snapshot " + id + " of " + s.name() + " is kept in the"
            + " rollback log: `runbook releases " + s.name() + "` lists the ones its releases ran with"));
  }

  private void requireKey(Service s) {
    if (key == null) {
      throw Failures.of(FailureType.INVALID_INPUT, "services." + s.name() + ".config is kept sealed, and "
          + ConfigKey.ENV + " is not set on this worker: " + ConfigKey.HOW_TO_MAKE);
    }
  }

  private Service configured(String name) {
    Service s = services.get(name(name));
    if (s == null) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "services." + name + " has no config section, so there is no"
          + " configuration to restore: add one (envFile, kubernetes or command) or roll back the version only");
    }
    return s;
  }

  private String name(String name) {
    if (name == null || !Validation.NAME.matcher(name).matches()) {
      throw Failures.of(FailureType.INVALID_INPUT, "service '" + Validation.printable(String.valueOf(name))
          + "' is not a valid service name: use lower-case letters, digits, '.', '_' or '-'");
    }
    if (!known.contains(name)) {
      throw Failures.of(FailureType.UNKNOWN_SERVICE, "no service '" + name + "' is configured (known: "
          + String.join(", ", known) + "): add it under services in runbook.yaml or fix the name");
    }
    return name;
  }

  private ConfigTrace trace() {
    return new ConfigTrace(Heartbeat.current(), runner);
  }
}
