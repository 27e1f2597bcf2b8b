package dev.runbook.activities.service;

import dev.runbook.workflows.model.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Kubernetes deployment, driven with kubectl.
 *
 * <pre>
 * kubernetes:
 *   context: prod-eu          # kubectl --context; default: the current context
 *   namespace: shop
 *   deployment: api
 *   container: api            # default: the deployment name
 *   image: registry.example.com/shop/api
 *   replicas: 3               # what start scales to when none were recorded at stop
 *   rolloutTimeout: 5m
 *   binary: /opt/k8s/bin/kubectl     # default: kubectl from PATH
 * </pre>
 */
public record KubernetesSettings(
    String context,
    String namespace,
    String deployment,
    String container,
    String image,
    Integer replicas,
    Duration rolloutTimeout,
    String binary) {
  /** DNS-1123 labels: what Kubernetes accepts for namespaces, deployments and containers. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,252}");
  private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:-]{0,254}");

  public KubernetesSettings {
    container = container == null ? deployment : container;
    rolloutTimeout = rolloutTimeout == null ? Duration.ofMinutes(5) : rolloutTimeout;
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    if (context != null && !CONTEXT.matcher(context).matches()) {
      problems.add(path + ".context: '" + Validation.printable(context) + "' is not a kubectl"
          + " context name: use the name `kubectl config get-contexts` shows");
    }
    label(problems, path + ".namespace", namespace);
    label(problems, path + ".deployment", deployment);
    label(problems, path + ".container", container);
    if (image == null || !IMAGE.matcher(image).matches() || image.contains("@")
        || image.substring(image.lastIndexOf('/') + 1).contains(":")) {
      problems.add(path + ".image: " + (image == null ? "missing" : "'"
          + Validation.printable(image) + "' is not an image name without tag")
          + ": give the repository only, e.g. registry.example.com/shop/api (the tag is the"
          + " version)");
    }
    if (replicas != null && (replicas < 1 || replicas > 10_000)) {
      problems.add(path + ".replicas: " + replicas + " is out of range: use 1 or more");
    }
    ServiceSettings.positive(problems, path + ".rolloutTimeout", rolloutTimeout);
    return problems;
  }

  private static void label(List<String> problems, String path, String value) {
    if (value == null || !LABEL.matcher(value).matches()) {
      problems.add(path + ": " + (value == null ? "missing" : "'" + Validation.printable(value)
          + "' is not a Kubernetes name") + ": use lower-case letters, digits and '-'");
    }
  }
}
