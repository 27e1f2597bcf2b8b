package dev.runbook.activities.service;

import dev.runbook.activities.Failures;
import dev.runbook.activities.ledger.Release;
import dev.runbook.activities.ledger.ReleaseHistory;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersion;
import dev.runbook.workflows.model.Shown;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the version to roll back to (DESIGN §10). The release ledger decides when it knows the
 * service: the newest version verified healthy and never rolled back from. The adapter's list of
 * versions is only the fallback for a service the ledger has never seen. A version rolled back
 * from is never chosen on its own, and asking for it needs {@code force}.
 */
final class TargetChooser {
  private TargetChooser() {}

  /**
   * @param history what the ledger knows of the service, or null where no ledger is wired
   * @param adapterVersions the adapter's versions, newest first
   * @param current the version running now
   * @param requested the version asked for, or null
   */
  static TargetVersion choose(String service, ReleaseHistory history, List<String> adapterVersions,
      String current, String requested, boolean force, List<String> ran) {
    boolean ledgerKnows = history != null && !history.isEmpty();
    List<String> known = known(history, adapterVersions);
    if (requested != null) {
      Optional<Release> bad = history == null ? Optional.empty() : history.rolledBack(requested);
      String schema = history == null ? null : history.schemaFor(requested).orElse(null);
      if (bad.isPresent()) {
        Release r = bad.get();
        String what = service + ": " + requested + " was rolled back from"
            + (r.rolledBackBy() == null ? "" : " by " + r.rolledBackBy()) + " at " + Shown.time(r.rolledBackAt())
            + (r.rollbackReason() == null ? "" : " (" + r.rollbackReason() + ")");
        if (!force) {
          throw Failures.of(FailureType.ROLLED_BACK_VERSION, what + ": a rollback never goes back"
              + " to it on its own. Pass --force (the run's reason is recorded with it) to deploy it"
              + " anyway, or pick another version (`runbook releases " + service + "` lists them)");
        }
        return new TargetVersion(service, requested, "forced", known, ran,
            "requested with --force; " + what, schema);
      }
      if (!known.isEmpty() && !known.contains(requested)) {
        throw Failures.of(FailureType.UNKNOWN_VERSION, service + ": version " + requested
            + " is not one this service has run (known, newest first: "
            + String.join(", ", known) + "): pick one of them, or check for a typo");
      }
      return new TargetVersion(service, requested, "requested", known, ran,
          "requested" + (ledgerKnows && history.knows(requested)
              ? "; the release ledger says: " + history.state(requested, current) : ""), schema);
    }
    if (ledgerKnows) {
      // A service that says no version (it is down, or has no version URL) is taken to run the
      // ledger's newest release: a service that died on its new release must not be "rolled
      // back" to that very release.
      String running = current != null ? current : history.newestDeployed().orElse(null);
      String assumed = current == null && running != null
          ? "; " + service + " says no version now, so " + running + ", the ledger's newest release, counts as"
              + " the one running"
          : "";
      Optional<ReleaseHistory.Choice> good = history.lastKnownGood(running);
      if (good.isEmpty()) {
        throw Failures.of(FailureType.NO_GOOD_VERSION, service + ": no version is known good"
            + " (running now: " + (current == null ? "unknown" : current) + assumed + "). The release ledger"
            + " says: " + history.whyNoneGood(running) + ". Pass --to-version VERSION (and --force"
            + " for a version that was rolled back from), or record a version CI has checked with"
            + " `runbook record deploy " + service + " VERSION --verified`");
      }
      String version = good.get().version();
      return new TargetVersion(service, version, "release-ledger", known, ran, good.get().why() + assumed,
          history.schemaFor(version).orElse(null));
    }
    Optional<String> previous = adapterVersions.stream().filter(v -> !v.equals(current)).findFirst();
    if (previous.isEmpty()) {
      throw Failures.of(FailureType.NO_GOOD_VERSION, service + ": no earlier version is known"
          + " (running now: " + (current == null ? "unknown" : current) + "; the release ledger has"
          + " no history of " + service + " and the adapter lists "
          + (adapterVersions.isEmpty() ? "none" : String.join(", ", adapterVersions))
          + "): pass --to-version with the version to roll back to");
    }
    return new TargetVersion(service, previous.get(), "adapter-list", known, ran,
        "the newest version the adapter lists other than the running one; the release ledger has"
            + " no history of " + service + " yet", null);
  }

  private static List<String> known(ReleaseHistory history, List<String> adapterVersions) {
    Set<String> all = new LinkedHashSet<>();
    if (history != null) {
      history.releases().forEach(r -> all.add(r.version()));
    }
    all.addAll(adapterVersions);
    return new ArrayList<>(all);
  }
}
