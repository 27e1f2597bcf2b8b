package dev.runbook.activities.ledger;

import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.policy.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the ledger knows of one service, and the rules that read it (DESIGN §10): last known good
 * is the newest version verified healthy (by a run's checks, by CI, or by running the service's
 * soak time) and never rolled back from. A version rolled back from is never chosen automatically.
 *
 * <p>The same for configurations: the last known good configuration is the one of the newest
 * release verified healthy (or that ran its soak time) whose configuration was never rolled back
 * from; a configuration rolled back from is never chosen again on its own.
 */
public final class ReleaseHistory {
  private final String service;
  private final List<Release> newestFirst;
  private final Duration soak;
  private final Instant now;

  /**
   * @param newestFirst the service's releases, newest deploy first
   * @param soak how long a release must run without being rolled back to count as good without
   *     checks; null means only checks count
   */
  public ReleaseHistory(String service, List<Release> newestFirst, Duration soak, Instant now) {
    this.service = service;
    this.newestFirst = List.copyOf(newestFirst);
    this.soak = soak;
    this.now = now;
  }

  public String service() {
    return service;
  }

  public boolean isEmpty() {
    return newestFirst.isEmpty();
  }

  public List<Release> releases() {
    return newestFirst;
  }

  /** The release that marks this version as rolled back from, if any. */
  public Optional<Release> rolledBack(String version) {
    return newestFirst.stream().filter(r -> r.version().equals(version) && r.rolledBackFrom()).findFirst();
  }

  public boolean knows(String version) {
    return newestFirst.stream().anyMatch(r -> r.version().equals(version));
  }

  /** The schema version this version last ran with, if the ledger recorded one. */
  public Optional<String> schemaFor(String version) {
    return newestFirst.stream()
        .filter(r -> r.version().equals(version) && r.schemaVersion() != null)
        .map(Release::schemaVersion)
        .findFirst();
  }

  /** A version the ledger would roll back to, and why. */
  public record Choice(String version, String why) {}

  /** The newest good version other than {@code current}; empty when none is known good. */
  public Optional<Choice> lastKnownGood(String current) {
    for (String version : versionsNewestFirst()) {
      if (version.equals(current) || rolledBack(version).isPresent()) {
        continue;
      }
      Optional<String> why = goodBecause(version);
      if (why.isPresent()) {
        return Optional.of(new Choice(version, "release ledger: newest version " + why.get()
            + " and never rolled back from"));
      }
    }
    return Optional.empty();
  }

  /** The version of the newest release the ledger recorded: what it says runs now. */
  public Optional<String> newestDeployed() {
    return newestFirst.stream().findFirst().map(Release::version);
  }

  /** Why no version is good: each version and what the ledger says of it, newest first. */
  public String whyNoneGood(String current) {
    List<String> parts = new ArrayList<>();
    for (String version : versionsNewestFirst()) {
      parts.add(version + " " + state(version, current));
    }
    return String.join("; ", parts);
  }

  /** One word or phrase for what the ledger says of a version. */
  public String state(String version, String current) {
    Optional<Release> bad = rolledBack(version);
    if (bad.isPresent()) {
      Release r = bad.get();
      return "rolled back from" + (r.rolledBackBy() == null ? "" : " by " + r.rolledBackBy())
          + (r.rollbackReason() == null ? "" : " (" + r.rollbackReason() + ")");
    }
    String good = goodBecause(version).orElse(null);
    String running = version.equals(current) ? "running now" : null;
    if (good != null) {
      return running == null ? good : running + ", " + good;
    }
    String unproven = soak == null
        ? "never verified healthy"
        : "never verified healthy and ran less than the soak time (" + Durations.human(soak) + ")";
    return running == null ? unproven : running + ", " + unproven;
  }

  /**
   * What became of one release: rolled back from, running (the newest), or superseded, and
   * whether it was verified healthy.
   */
  public String outcome(Release r) {
    if (r.rolledBackFrom()) {
      return "rolled back from" + (r.rolledBackBy() == null ? "" : " by " + r.rolledBackBy())
          + (r.rollbackReason() == null ? "" : " (" + r.rollbackReason() + ")");
    }
    boolean newest = !newestFirst.isEmpty() && newestFirst.get(0).id() == r.id();
    String where = newest ? "running" : "superseded";
    if (r.verified()) {
      return where + ", verified healthy" + (r.verifiedBy() == null ? "" : " by " + r.verifiedBy());
    }
    if (rolledBack(r.version()).isEmpty()) {
      // Good by this release's own soak, or only by another release of the same version: say which.
      for (int i = 0; i < newestFirst.size(); i++) {
        if (newestFirst.get(i).id() == r.id()) {
          Optional<String> own = goodBecause(i);
          if (own.isPresent()) {
            return where + ", good (" + own.get() + ")";
          }
        }
      }
      Optional<String> other = goodBecause(r.version());
      if (other.isPresent()) {
        return where + ", not verified; " + r.version() + " is good: " + other.get();
      }
    }
    return where + ", not verified";
  }

  private Optional<String> goodBecause(String version) {
    for (int i = 0; i < newestFirst.size(); i++) {
      if (newestFirst.get(i).version().equals(version)) {
        Optional<String> why = goodBecause(i);
        if (why.isPresent()) {
          return why;
        }
      }
    }
    return Optional.empty();
  }

  /** Why the row at {@code i} counts as good (verified, or ran the soak time), if it does. */
  private Optional<String> goodBecause(int i) {
    Release r = newestFirst.get(i);
    if (r.verified()) {
      return Optional.of("verified healthy" + (r.verifiedBy() == null ? "" : " by " + r.verifiedBy())
          + " at " + Shown.time(r.verifiedAt()));
    }
    Instant until = i == 0 ? now : newestFirst.get(i - 1).deployedAt();
    if (soak != null && !Duration.between(r.deployedAt(), until).minus(soak).isNegative()) {
      return Optional.of("ran " + Durations.human(Duration.between(r.deployedAt(), until))
          + " from " + r.deployedAt() + " (soak time " + Durations.human(soak) + ")");
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- configurations

  /** The release that marks this configuration as rolled back from, if any. */
  public Optional<Release> configRolledBack(String snapshot) {
    return newestFirst.stream()
        .filter(r -> snapshot.equals(r.configSnapshot()) && r.configRolledBackFrom())
        .findFirst();
  }

  /**
   * A configuration the ledger would restore, and why.
   *
   * @param version the version it ran with in that release
   */
  public record ConfigChoice(String snapshot, String version, String why) {}

  /**
   * The last known good configuration other than {@code current}: the one of the newest release
   * verified healthy (or that ran its soak time) whose configuration was never rolled back from.
   */
  public Optional<ConfigChoice> lastKnownGoodConfig(String current) {
    return goodConfig(r -> !r.configSnapshot().equals(current), "newest configuration");
  }

  /**
   * The configuration {@code version} last ran healthy with (a rollback of the version and its
   * configuration together): its newest release verified healthy, or that ran its soak time, with
   * a configuration never rolled back from.
   */
  public Optional<ConfigChoice> configOf(String version) {
    return goodConfig(r -> r.version().equals(version), "configuration " + version + " last ran");
  }

  private Optional<ConfigChoice> goodConfig(java.util.function.Predicate<Release> wanted, String what) {
    for (int i = 0; i < newestFirst.size(); i++) {
      Release r = newestFirst.get(i);
      if (r.configSnapshot() == null || !wanted.test(r) || configRolledBack(r.configSnapshot()).isPresent()) {
        continue;
      }
      Optional<String> why = goodBecause(i);
      if (why.isPresent()) {
        return Optional.of(new ConfigChoice(r.configSnapshot(), r.version(), "release ledger: " + what
            + " " + why.get() + " (with " + r.version() + ") and never rolled back from"));
      }
    }
    return Optional.empty();
  }

  /** Why no configuration is good: each one and what the ledger says of it, newest first. */
  public String whyNoGoodConfig(String current) {
    Map<String, Boolean> seen = new LinkedHashMap<>();
    newestFirst.stream().map(Release::configSnapshot).filter(java.util.Objects::nonNull)
        .forEach(c -> seen.putIfAbsent(c, true));
    if (seen.isEmpty()) {
      return "no release of " + service + " has a configuration snapshot yet";
    }
    List<String> parts = new ArrayList<>();
    for (String snapshot : seen.keySet()) {
      parts.add(snapshot + " " + configState(snapshot, current));
    }
    return String.join("; ", parts);
  }

  /** One word or phrase for what the ledger says of a configuration. */
  public String configState(String snapshot, String current) {
    Optional<Release> bad = configRolledBack(snapshot);
    if (bad.isPresent()) {
      Release r = bad.get();
      return "rolled back from" + (r.configRolledBackBy() == null ? "" : " by " + r.configRolledBackBy())
          + (r.configRollbackReason() == null ? "" : " (" + r.configRollbackReason() + ")");
    }
    String running = snapshot.equals(current) ? "running now" : null;
    for (int i = 0; i < newestFirst.size(); i++) {
      if (snapshot.equals(newestFirst.get(i).configSnapshot())) {
        Optional<String> why = goodBecause(i);
        if (why.isPresent()) {
          return running == null ? why.get() : running + ", " + why.get();
        }
      }
    }
    return running == null ? "never verified healthy" : running + ", never verified healthy";
  }

  private List<String> versionsNewestFirst() {
    Map<String, Boolean> seen = new LinkedHashMap<>();
    newestFirst.forEach(r -> seen.putIfAbsent(r.version(), true));
    return List.copyOf(seen.keySet());
  }
}
