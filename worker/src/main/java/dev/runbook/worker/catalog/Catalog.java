package dev.runbook.worker.catalog;

import dev.runbook.worker.config.RunbookConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a worker runs, as far as starting a run is concerned: its services, databases,
 * environments and people, and the fingerprint of the configuration file they came from. Workers
 * publish it in the rollback log's database, so that whoever starts a run (the API, the CLI) checks
 * the start against what will run it, and says so when its own configuration differs.
 *
 * @param fingerprint of the configuration (see {@link ConfigFingerprint})
 * @param source the configuration file, or "built-in defaults"
 */
public record Catalog(
    String fingerprint,
    String source,
    String taskQueue,
    Map<String, Service> services,
    List<String> databases,
    Map<String, Environment> environments,
    List<String> people) {

  /**
   * @param soak how long an unchecked release must run to count as good
   * @param config the kind of configuration it keeps (envFile, kubernetes, command), or null
   */
  public record Service(String adapter, Duration soak, String config) {
    public Service(String adapter, Duration soak) {
      this(adapter, soak, null);
    }
  }

  public record Environment(List<String> services, List<String> databases) {}

  public Catalog {
    services = Map.copyOf(services);
    databases = List.copyOf(databases);
    environments = Map.copyOf(environments);
    people = List.copyOf(people);
  }

  public static Catalog of(RunbookConfig config, String fingerprint, String source) {
    Map<String, Service> services = new LinkedHashMap<>();
    config.services().forEach((name, s) -> services.put(name,
        new Service(s.adapter(), s.soak(), s.config() == null ? null : s.config().kind())));
    Map<String, Environment> environments = new LinkedHashMap<>();
    config.environments().forEach((name, e) -> environments.put(name, new Environment(e.services(), e.databaseList())));
    return new Catalog(
        fingerprint,
        source,
        config.temporal().taskQueue(),
        services,
        List.copyOf(config.databases().keySet()),
        environments,
        config.people().stream().map(p -> p.name()).toList());
  }
}
