package dev.runbook.worker.catalog;

import dev.runbook.activities.ledger.ReleaseHistory;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.starter.Releases;
import dev.runbook.workflows.model.Validation;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link Releases} over the release ledger, checked against what the workers run. A deploy of a
 * service with a configuration is recorded with a snapshot of it, taken on a worker.
 */
public final class LedgerReleases implements Releases {
  /** Snapshots a service's configuration where it can be read: its ID, or null for none. */
  @FunctionalInterface
  public interface Snapshots {
    /** Configurations are not snapshotted: for a ledger of services without configuration. */
    Snapshots NONE = (service, by) -> null;

    String take(String service, String by);
  }

  private final ReleaseLedger ledger;
  private final Supplier<Catalog> catalog;
  private final Snapshots snapshots;

  public LedgerReleases(ReleaseLedger ledger, Supplier<Catalog> catalog) {
    this(ledger, catalog, Snapshots.NONE);
  }

  public LedgerReleases(ReleaseLedger ledger, Supplier<Catalog> catalog, Snapshots snapshots) {
    this.ledger = ledger;
    this.catalog = catalog;
    this.snapshots = snapshots;
  }

  @Override
  public Recorded record(String service, String version, String schemaVersion, boolean verified, String key, String by) {
    Catalog c = catalog.get();
    if (service == null || !c.services().containsKey(service)) {
      throw new IllegalArgumentException("no service '" + Validation.printable(String.valueOf(service))
          + "' is configured in " + c.source() + " (known: " + String.join(", ", c.services().keySet().stream().sorted().toList())
          + "): record deploys of the services the workers run");
    }
    if (version == null || !Validation.VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("version '" + Validation.printable(String.valueOf(version))
          + "' is not a valid version: use letters, digits and . _ + : @ - (no spaces, quotes, ';', '$' or '/')");
    }
    if (schemaVersion != null && !Validation.MIGRATION.matcher(schemaVersion).matches()) {
      throw new IllegalArgumentException("schema '" + Validation.printable(schemaVersion)
          + "' is not a migration version: use digits, e.g. 12");
    }
    String config = c.services().get(service).config() == null ? null : snapshots.take(service, by);
    ReleaseLedger.RecordResult r = ledger.record(
        new ReleaseLedger.Recorded(service, version, schemaVersion, by, verified, key, config));
    ReleaseHistory h = ledger.history(service, c.services().get(service).soak());
    return new Recorded(view(h, h.releases().stream().filter(x -> x.id() == r.release().id()).findFirst()
        .orElse(r.release())), r.created());
  }

  @Override
  public List<Releases.Release> history(String service, int limit) {
    Catalog.Service s = catalog.get().services().get(service);
    ReleaseHistory h = ledger.history(service, s == null ? null : s.soak());
    return h.releases().stream().limit(limit).map(r -> view(h, r)).toList();
  }

  private static Releases.Release view(ReleaseHistory h, dev.runbook.activities.ledger.Release r) {
    String running = h.releases().isEmpty() ? null : h.releases().get(0).configSnapshot();
    return new Releases.Release(r.service(), r.version(), r.schemaVersion(), r.deployedAt(), r.deployedBy(),
        r.source(), r.workflowId(), r.forced(), r.verifiedAt(), r.verifiedBy(), r.rolledBackAt(),
        r.rolledBackBy(), r.rollbackReason(), h.outcome(r), r.configSnapshot(),
        r.configSnapshot() == null ? null : h.configState(r.configSnapshot(), running));
  }
}
