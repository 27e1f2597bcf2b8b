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
 * @param inPlaceRestores the databases that can only be restored in place ({@code engine: command}
 *     without restoreInto and swap); empty in catalogs published before engines could be chosen
 */
public record Catalog(
    String fingerprint,
    String source,
    String taskQueue,
    Map<String, Service> services,
    List<String> databases,
    Map<String, Environment> environments,
    List<String> people,
    List<String> inPlaceRestores) {

  /**
   * @param soak how long an unchecked release must run to count as good
   * @param config the kind of configuration it keeps (envFile, kubernetes, command), or null
   * @param kind production, staging, ...; null in catalogs published before kinds, read as
   *     production
   */
  public record Service(String adapter, Duration soak, String config, String kind) {
    public Service(String adapter, Duration soak, String config) {
      this(adapter, soak, config, null);
    }

    public Service(String adapter, Duration soak) {
      this(adapter, soak, null, null);
    }
  }

  /** @param kind as {@link Service#kind()} */
  public record Environment(List<String> services, List<String> databases, String kind) {
    public Environment(List<String> services, List<String> databases) {
      this(services, databases, null);
    }
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  public Catalog {
    services = Map.copyOf(services);
    databases = List.copyOf(databases);
    environments = Map.copyOf(environments);
    people = List.copyOf(people);
    inPlaceRestores = inPlaceRestores == null ? List.of() : List.copyOf(inPlaceRestores);
  }

  /** A catalog whose databases all allow a staged restore. */
  public Catalog(String fingerprint, String source, String taskQueue, Map<String, Service> services,
      List<String> databases, Map<String, Environment> environments, List<String> people) {
    this(fingerprint, source, taskQueue, services, databases, environments, people, List.of());
  }

  public static Catalog of(RunbookConfig config, String fingerprint, String source) {
    Map<String, Service> services = new LinkedHashMap<>();
    config.services().forEach((name, s) -> services.put(name,
        new Service(s.adapter(), s.soak(), s.config() == null ? null : s.config().kind(), s.kind())));
    Map<String, Environment> environments = new LinkedHashMap<>();
    config.environments().forEach((name, e) -> environments.put(name, new Environment(e.services(), e.databaseList(), e.kind())));
    return new Catalog(
        fingerprint,
        source,
        config.temporal().taskQueue(),
        services,
        List.copyOf(config.databases().keySet()),
        environments,
        config.people().stream().map(p -> p.name()).toList(),
        config.databases().entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().stagedRestore())
            .map(Map.Entry::getKey).toList());
  }
}
