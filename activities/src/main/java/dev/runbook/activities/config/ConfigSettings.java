package dev.runbook.activities.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A service's configuration ({@code services.<name>.config}): exactly one of an env file, its
 * Kubernetes ConfigMap and env, or a platform's CLI. The product snapshots it whenever a deploy
 * is recorded and before every rollback, and restores it with or without the version.
 *
 * <pre>
 * config:
 *   envFile: deploy/.env          # the file docker compose (or the process) reads; relative to runbook.yaml
 *   # kubernetes: { configMap: api-config, env: true }    (see KubernetesConfigSettings)
 *   # command: { get: [...], set: [...], unset: [...] }   (see CommandConfigSettings)
 *   restart: [systemctl, restart, "{service}"]   # after a change; default: the adapter's restart
 * </pre>
 */
public record ConfigSettings(
    String envFile,
    KubernetesConfigSettings kubernetes,
    CommandConfigSettings command,
    List<String> restart) {

  public static final String ENV_FILE = "envFile";
  public static final String KUBERNETES = "kubernetes";
  public static final String COMMAND = "command";

  public ConfigSettings {
    restart = restart == null ? List.of() : List.copyOf(restart);
  }

  /** These settings with the service's kubernetes adapter section filling what they leave out. */
  public ConfigSettings withDefaults(dev.runbook.activities.service.KubernetesSettings adapter) {
    return kubernetes == null ? this : new ConfigSettings(envFile, kubernetes.withDefaults(adapter), command, restart);
  }

  /** envFile, kubernetes or command; null when none (or more than one) is given. */
  public String kind() {
    int given = (envFile != null ? 1 : 0) + (kubernetes != null ? 1 : 0) + (command != null ? 1 : 0);
    if (given != 1) {
      return null;
    }
    return envFile != null ? ENV_FILE : kubernetes != null ? KUBERNETES : COMMAND;
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    int given = (envFile != null ? 1 : 0) + (kubernetes != null ? 1 : 0) + (command != null ? 1 : 0);
    if (given != 1) {
      problems.add(path + ": " + (given == 0 ? "says nothing" : "says " + given + " things")
          + ": give exactly one of envFile (a file), kubernetes (a ConfigMap and env) or command (a platform's CLI)");
    }
    if (envFile != null && envFile.isBlank()) {
      problems.add(path + ".envFile: empty: give the env file, e.g. deploy/.env");
    }
    if (kubernetes != null) {
      problems.addAll(kubernetes.problems(path + ".kubernetes"));
    }
    if (command != null) {
      problems.addAll(command.problems(path + ".command"));
    }
    problems.addAll(Templates.problems(path + ".restart", restart, false, Set.of(Templates.SERVICE)));
    return problems;
  }
}
