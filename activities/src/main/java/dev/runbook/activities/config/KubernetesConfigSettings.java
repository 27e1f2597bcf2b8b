package dev.runbook.activities.config;

import dev.runbook.activities.service.KubernetesSettings;
import dev.runbook.workflows.model.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A service's configuration in Kubernetes: a ConfigMap, the env of its deployment's container, or
 * both, read and written with kubectl. Left out, the context, namespace, deployment, container
 * and kubectl come from the service's {@code kubernetes} adapter section.
 *
 * <pre>
 * config:
 *   kubernetes:
 *     configMap: api-config     # its data (kubectl replace restores it as a whole)
 *     env: true                 # and the container's env (kubectl patch restores it as a whole)
 *     namespace: shop
 *     deployment: api
 * </pre>
 */
public record KubernetesConfigSettings(
    String context,
    String namespace,
    String configMap,
    Boolean env,
    String deployment,
    String container,
    String binary,
    Duration timeout) {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  public KubernetesConfigSettings {
    env = env != null && env;
    timeout = timeout == null ? Duration.ofMinutes(1) : timeout;
  }

  /** The adapter's context, namespace, deployment, container and kubectl where these leave them out. */
  public KubernetesConfigSettings withDefaults(KubernetesSettings adapter) {
    if (adapter == null) {
      return this;
    }
    return new KubernetesConfigSettings(
        context != null ? context : adapter.context(),
        namespace != null ? namespace : adapter.namespace(),
        configMap,
        env,
        deployment != null ? deployment : adapter.deployment(),
        container != null ? container : deployment != null ? deployment : adapter.container(),
        binary != null ? binary : adapter.binary(),
        timeout);
  }

  /** The container whose env is read: the one named, else the deployment's name. */
  public String containerName() {
    return container != null ? container : deployment;
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    if (configMap == null && !env) {
      problems.add(path + ": names nothing to keep: give configMap, or env: true for the deployment's env, or both");
    }
    name(problems, path + ".namespace", namespace, true);
    name(problems, path + ".configMap", configMap, false);
    name(problems, path + ".deployment", deployment, env);
    name(problems, path + ".container", container, false);
    if (timeout.isNegative() || timeout.isZero()) {
      problems.add(path + ".timeout: " + timeout + " is not a positive duration: use e.g. 1m");
    }
    return problems;
  }

  private static void name(List<String> problems, String path, String value, boolean required) {
    if (value == null) {
      if (required) {
        problems.add(path + ": missing: give it here or in the service's kubernetes section");
      }
    } else if (!LABEL.matcher(value).matches()) {
      problems.add(path + ": '" + Validation.printable(value) + "' is not a Kubernetes name: use lower-case"
          + " letters, digits, '-' and '.'");
    }
  }
}
