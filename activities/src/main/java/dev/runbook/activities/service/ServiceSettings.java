package dev.runbook.activities.service;

import dev.runbook.activities.check.CheckSettings;
import dev.runbook.activities.check.ErrorRateSettings;
import dev.runbook.activities.check.HttpProbe;
import dev.runbook.activities.check.ServiceChecks;
import dev.runbook.activities.config.ConfigSettings;
import dev.runbook.workflows.model.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One service of {@code runbook.yaml}: how to act on it ({@code adapter} and the section of that
 * kind), how to see whether it is up and which version runs, and its checks.
 *
 * <pre>
 * services:
 *   api:
 *     adapter: docker-compose        # process, command, docker-compose or kubernetes
 *     dockerCompose: { file: deploy/docker-compose.yml, project: shop, envFile: deploy/.env }
 *     healthUrl: http://127.0.0.1:8081/health
 *     versionUrl: http://127.0.0.1:8081/version
 *     versionField: version          # JSON field of the version answer
 *     verifyTimeout: 2m
 *     soak: 1h                       # a recorded release unchecked for this long counts as good
 *     smokeChecks: [ ... ]           # see CheckSettings
 *     errorRate: { ... }             # see ErrorRateSettings
 *     config: { envFile: deploy/.env }   # its configuration, see ConfigSettings
 *     kind: staging                  # production (the default), staging or another lower-case word
 * </pre>
 *
 * When {@code healthUrl} or {@code versionUrl} is not set, the adapter's own view is used: the
 * process is alive, {@code docker compose ps}, the deployment's ready replicas; the recorded
 * version, the env file, the deployment's image tag.
 */
public record ServiceSettings(
    String adapter,
    ProcessSettings process,
    CommandSettings command,
    ComposeSettings dockerCompose,
    KubernetesSettings kubernetes,
    String healthUrl,
    String versionUrl,
    String versionField,
    List<CheckSettings> smokeChecks,
    ErrorRateSettings errorRate,
    Duration verifyTimeout,
    Duration soak,
    ConfigSettings config,
    String kind) {

  /** How long a release must run without being rolled back to count as good without checks. */
  public static final Duration DEFAULT_SOAK = Duration.ofHours(1);

  public ServiceSettings {
    versionField = versionField == null ? "version" : versionField;
    smokeChecks = smokeChecks == null ? List.of() : List.copyOf(smokeChecks);
    verifyTimeout = verifyTimeout == null ? Duration.ofMinutes(2) : verifyTimeout;
    soak = soak == null ? DEFAULT_SOAK : soak;
    kind = TargetKind.orDefault(kind);
  }

  public ServiceSettings(String adapter, ProcessSettings process, CommandSettings command,
      ComposeSettings dockerCompose, KubernetesSettings kubernetes, String healthUrl,
      String versionUrl, String versionField, List<CheckSettings> smokeChecks,
      ErrorRateSettings errorRate, Duration verifyTimeout, Duration soak, ConfigSettings config) {
    this(adapter, process, command, dockerCompose, kubernetes, healthUrl, versionUrl,
        versionField, smokeChecks, errorRate, verifyTimeout, soak, config, null);
  }

  public ServiceSettings(String adapter, ProcessSettings process, CommandSettings command,
      ComposeSettings dockerCompose, KubernetesSettings kubernetes, String healthUrl,
      String versionUrl, String versionField, List<CheckSettings> smokeChecks,
      ErrorRateSettings errorRate, Duration verifyTimeout) {
    this(adapter, process, command, dockerCompose, kubernetes, healthUrl, versionUrl,
        versionField, smokeChecks, errorRate, verifyTimeout, null, null, null);
  }

  public ServiceSettings(String adapter, ProcessSettings process, CommandSettings command,
      ComposeSettings dockerCompose, KubernetesSettings kubernetes, String healthUrl,
      String versionUrl, String versionField, List<CheckSettings> smokeChecks,
      ErrorRateSettings errorRate, Duration verifyTimeout, Duration soak) {
    this(adapter, process, command, dockerCompose, kubernetes, healthUrl, versionUrl,
        versionField, smokeChecks, errorRate, verifyTimeout, soak, null, null);
  }

  /** The same service with a configuration. */
  public ServiceSettings withConfig(ConfigSettings config) {
    return new ServiceSettings(adapter, process, command, dockerCompose, kubernetes, healthUrl, versionUrl,
        versionField, smokeChecks, errorRate, verifyTimeout, soak, config, kind);
  }

  Optional<AdapterKind> adapterKind() {
    return AdapterKind.parse(adapter);
  }

  /** The checks of this service, for {@code CheckActivitiesImpl}. */
  public ServiceChecks checks() {
    return new ServiceChecks(smokeChecks, errorRate);
  }

  /** The checks of every service, by name: what {@code CheckActivitiesImpl} is built with. */
  public static Map<String, ServiceChecks> checksByService(Map<String, ServiceSettings> services) {
    Map<String, ServiceChecks> checks = new LinkedHashMap<>();
    services.forEach((name, settings) -> checks.put(name, settings.checks()));
    return checks;
  }

  /** Problems of every service under {@code services}, names included. */
  public static List<String> problemsOf(Map<String, ServiceSettings> services) {
    List<String> problems = new ArrayList<>();
    services.forEach((name, settings) -> {
      String path = "services." + Validation.printable(name);
      if (!Validation.NAME.matcher(name).matches()) {
        problems.add(path + ": '" + Validation.printable(name) + "' is not a valid service name:"
            + " use lower-case letters, digits, '.', '_' or '-' (it ends up in workflow IDs and"
            + " commands)");
      }
      if (settings == null) {
        problems.add(path + ": empty: give at least its adapter");
      } else {
        problems.addAll(settings.problems(path));
      }
    });
    return problems;
  }

  /** @param path the YAML path of this service, e.g. {@code services.api} */
  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    Optional<AdapterKind> kind = adapterKind();
    if (adapter == null) {
      problems.add(path + ".adapter: missing: use " + AdapterKind.CHOICES);
    } else if (kind.isEmpty()) {
      problems.add(path + ".adapter: unknown kind '" + Validation.printable(adapter) + "': use "
          + AdapterKind.CHOICES);
    } else {
      switch (kind.get()) {
        case PROCESS -> section(problems, path + ".process", process,
            p -> p.problems(path + ".process"), "argv with a {version} placeholder");
        case COMMAND -> section(problems, path + ".command", command,
            c -> c.problems(path + ".command"), "at least a deploy command");
        case DOCKER_COMPOSE -> section(problems, path + ".dockerCompose", dockerCompose,
            c -> c.problems(path + ".dockerCompose"), "file, project and envFile");
        case KUBERNETES -> section(problems, path + ".kubernetes", kubernetes,
            k -> k.problems(path + ".kubernetes"), "namespace, deployment and image");
      }
    }
    url(problems, path + ".healthUrl", healthUrl);
    url(problems, path + ".versionUrl", versionUrl);
    if (versionField.isBlank()) {
      problems.add(path + ".versionField: empty: name the JSON field holding the version");
    }
    if (kind.isPresent() && kind.get() == AdapterKind.COMMAND && command != null
        && healthUrl == null && command.health().isEmpty()) {
      problems.add(path + ": no way to see the service's health: set healthUrl or"
          + " command.health");
    }
    positive(problems, path + ".verifyTimeout", verifyTimeout);
    positive(problems, path + ".soak", soak);
    TargetKind.problem(path + ".kind", this.kind).ifPresent(problems::add);
    if (config != null) {
      problems.addAll(config.withDefaults(kubernetes).problems(path + ".config"));
    }
    problems.addAll(checks().problems(path));
    return problems;
  }

  private static <T> void section(List<String> problems, String path, T section,
      Function<T, List<String>> check, String needs) {
    if (section == null) {
      problems.add(path + ": missing: this adapter needs " + needs);
    } else {
      problems.addAll(check.apply(section));
    }
  }

  private static void url(List<String> problems, String path, String url) {
    if (url != null) {
      String problem = HttpProbe.urlProblem(url);
      if (problem != null) {
        problems.add(path + ": " + problem + ": use the full URL, e.g. http://127.0.0.1:8081/health");
      }
    }
  }

  static void positive(List<String> problems, String path, Duration d) {
    if (d != null && (d.isNegative() || d.isZero())) {
      problems.add(path + ": " + d + " is not a positive duration: use e.g. 30s");
    }
  }
}
