package dev.runbook.workflows.testing;

import dev.runbook.workflows.activities.ConfigActivities;
import dev.runbook.workflows.activities.ConfigDiff;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configurations of the {@link FakeWorld}'s services: which snapshot each has, what the
 * release ledger would choose, and each snapshot's variables as names and short hashes (what a
 * diff reads; the fake has no values at all). No service has one unless a test gives it.
 */
public final class FakeConfigs implements ConfigActivities {
  /** One service's configuration. */
  public static final class Config {
    public String current;
    /** What the ledger calls the last known good configuration; null when it knows none. */
    public String lastKnownGood;
    /** The configuration each version last ran healthy with. */
    public final Map<String, String> ofVersion = new HashMap<>();
    final Map<String, Map<String, String>> snapshots = new HashMap<>();

    Config(String current) {
      this.current = current;
    }

    /** Adds a snapshot and its variables, as "NAME=hash". */
    public Config snapshot(String id, String... names) {
      Map<String, String> m = new TreeMap<>();
      for (String n : names) {
        m.put(n.substring(0, n.indexOf('=')), n.substring(n.indexOf('=') + 1));
      }
      snapshots.put(id, m);
      return this;
    }
  }

  private final FakeWorld world;
  private final Map<String, Config> configs = new TreeMap<>();

  FakeConfigs(FakeWorld world) {
    this.world = world;
  }

  Config give(String service, String current) {
    synchronized (world) {
      return configs.computeIfAbsent(service, k -> new Config(current));
    }
  }

  public Config of(String service) {
    synchronized (world) {
      return configs.get(service);
    }
  }

  private static List<String> plan(boolean dryRun, String line) {
    return List.of((dryRun ? "would run: " : "ran: ") + line);
  }

  @Override
  public ConfigSnapshot snapshot(SnapshotRequest r) {
    synchronized (world) {
      world.enter("Config.snapshot", r.service(), r.dryRun());
      world.service(r.service());
      Config c = configs.get(r.service());
      if (c == null) {
        return new ConfigSnapshot(r.service(), false, null, null, List.of(), List.of());
      }
      return new ConfigSnapshot(r.service(), true, c.current, "envFile",
          List.copyOf(c.snapshots.getOrDefault(c.current, Map.of()).keySet()), plan(r.dryRun(), "read .env"));
    }
  }

  @Override
  public ConfigTarget resolveConfig(ConfigTargetRequest r) {
    synchronized (world) {
      world.enter("Config.resolveConfig", r.service() + (r.version() == null ? "" : " " + r.version()), r.dryRun());
      Config c = configs.get(r.service());
      if (c == null) {
        throw ApplicationFailure.newNonRetryableFailure(r.service() + " has no configuration",
            FailureType.NOT_SUPPORTED.name());
      }
      String target = r.version() == null ? c.lastKnownGood : c.ofVersion.get(r.version());
      if (target == null || r.version() == null && target.equals(c.current)) {
        if (r.keepWhenUnknown()) {
          return new ConfigTarget(r.service(), c.current, c.current, "none known: it stays",
              diff(c, c.current, c.current), List.of());
        }
        throw ApplicationFailure.newNonRetryableFailure("no configuration of " + r.service() + " is known good",
            FailureType.NO_GOOD_CONFIG.name());
      }
      return new ConfigTarget(r.service(), target, c.current, "release ledger: verified healthy",
          diff(c, c.current, target), List.of());
    }
  }

  @Override
  public ConfigRestoreResult restore(RestoreRequest r) {
    synchronized (world) {
      world.enter("Config.restore", r.service() + " " + r.snapshotId(), r.dryRun());
      Config c = configs.get(r.service());
      ConfigDiff d = diff(c, c.current, r.snapshotId());
      boolean changed = !r.dryRun() && !r.snapshotId().equals(c.current);
      if (changed) {
        c.current = r.snapshotId();
        world.service(r.service()).misconfigured = FakeBreaks.BROKEN_CONFIG.equals(c.current);
        world.mutated();
      }
      return new ConfigRestoreResult(r.service(), r.snapshotId(), changed, d,
          "configuration " + r.snapshotId() + ": " + d.describe(), plan(r.dryRun(), "write .env"));
    }
  }

  private static ConfigDiff diff(Config c, String from, String to) {
    Map<String, String> a = c.snapshots.getOrDefault(from, Map.of());
    Map<String, String> b = c.snapshots.getOrDefault(to, Map.of());
    Set<String> names = new TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    List<ConfigDiff.Change> changes = new ArrayList<>();
    for (String n : names) {
      ConfigDiff.Kind kind = !a.containsKey(n) ? ConfigDiff.Kind.ADDED : !b.containsKey(n) ? ConfigDiff.Kind.REMOVED
          : a.get(n).equals(b.get(n)) ? ConfigDiff.Kind.UNCHANGED : ConfigDiff.Kind.CHANGED;
      changes.add(new ConfigDiff.Change(n, kind, a.get(n), b.get(n)));
    }
    return new ConfigDiff(changes);
  }
}
