package dev.runbook.starter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The release ledger's port kept in memory, for tests of the CLI and the API plumbing. The
 * ledger's own rules are tested against PostgreSQL in the activities and worker modules.
 */
public final class MemoryReleases implements Releases {
  private final List<String> services;
  private final List<Release> rows = new ArrayList<>();

  /** @param services the services the "workers" run; recording another one is refused */
  public MemoryReleases(List<String> services) {
    this.services = List.copyOf(services);
  }

  @Override
  public synchronized Recorded record(String service, String version, String schemaVersion, boolean verified,
      String key, String by) {
    if (!services.contains(service)) {
      throw new IllegalArgumentException("no service '" + service + "' is configured (known: "
          + String.join(", ", services) + ")");
    }
    for (Release r : rows) {
      if (r.service().equals(service) && r.version().equals(version)) {
        return new Recorded(r, false);
      }
    }
    Instant now = Instant.now();
    Release r = new Release(service, version, schemaVersion, now, by, "recorded", null, false,
        verified ? now : null, verified ? by : null, null, null, null, verified ? "running, verified healthy" : "running, not verified");
    rows.add(0, r);
    return new Recorded(r, true);
  }

  /** Puts a release on top, as the ledger would have it. */
  public synchronized void add(Release r) {
    rows.add(0, r);
  }

  @Override
  public synchronized List<Release> history(String service, int limit) {
    return rows.stream().filter(r -> r.service().equals(service)).limit(limit).toList();
  }
}
