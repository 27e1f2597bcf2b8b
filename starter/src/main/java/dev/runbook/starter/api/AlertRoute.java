package dev.runbook.starter.api;

import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Maps firing Alertmanager alerts to a runbook. An alert matches when every {@code match} label
 * has exactly that value. The target and severity are either fixed here or read from a label, so
 * one route can serve every service that carries, say, a {@code service} label.
 *
 * @param name names the route in the webhook's answer and in the logs
 * @param match labels that must all be equal, e.g. {@code alertname: HighErrorRate}
 * @param runbook emergency, database or full
 * @param service the service to roll back (emergency, database), or null to use {@code serviceLabel}
 * @param serviceLabel the label holding the service name
 * @param environment the environment to roll back (full), or null to use {@code environmentLabel}
 * @param environmentLabel the label holding the environment name
 * @param severity P0, P1 or P2, or null to use {@code severityLabel}
 * @param severityLabel the label holding the severity
 * @param reasonAnnotation the annotation used as the run's reason; default {@code summary}, and
 *     the alert's name when the alert does not carry it
 * @param dryRun start the runs as dry runs (to try a route out); default false
 * @param armFor arm the runs (emergency and full): tell the team, wait this long for a fix
 *     forward, then go ahead unless disarmed; the alert's {@code resolved} notification disarms
 *     the run it armed. Null starts the rollback at once.
 */
public record AlertRoute(
    String name,
    Map<String, String> match,
    String runbook,
    String service,
    String serviceLabel,
    String environment,
    String environmentLabel,
    String severity,
    String severityLabel,
    String reasonAnnotation,
    Boolean dryRun,
    Duration armFor) {

  public AlertRoute(String name, Map<String, String> match, String runbook, String service, String serviceLabel,
      String environment, String environmentLabel, String severity, String severityLabel, String reasonAnnotation,
      Boolean dryRun) {
    this(name, match, runbook, service, serviceLabel, environment, environmentLabel, severity, severityLabel,
        reasonAnnotation, dryRun, null);
  }

  public static final String DEFAULT_REASON_ANNOTATION = "summary";

  /** Prometheus label names, which is also what annotations are named with. */
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  public boolean matches(Map<String, String> labels) {
    return labels != null && match != null && !match.isEmpty()
        && match.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  public RunbookType type() {
    return RunbookType.parseRunbook(runbook);
  }

  public String reasonAnnotationName() {
    return reasonAnnotation == null ? DEFAULT_REASON_ANNOTATION : reasonAnnotation;
  }

  public boolean isDryRun() {
    return Boolean.TRUE.equals(dryRun);
  }

  /** Problems with this route, each naming its path under {@code path} and the fix. */
  public List<String> problems(String path, Collection<String> environments) {
    List<String> p = new ArrayList<>();
    if (ApiSettings.blank(name)) {
      p.add(path + ".name: is required: a short name the webhook's answer reports, e.g. high-error-rate");
    }
    if (match == null || match.isEmpty()) {
      p.add(path + ".match: is required: the labels an alert must carry, e.g. {alertname: HighErrorRate}");
    } else {
      match.forEach((label, value) -> {
        labelName(p, path + ".match", label);
        if (value == null) {
          p.add(path + ".match." + label + ": has no value: give the value the label must have");
        }
      });
    }
    RunbookType type = null;
    try {
      type = type();
    } catch (IllegalArgumentException e) {
      p.add(path + ".runbook: " + e.getMessage());
    }
    if (type == RunbookType.FULL) {
      oneOf(p, path, "environment", environment, "environmentLabel", environmentLabel);
      if (service != null || serviceLabel != null) {
        p.add(path + ": service and serviceLabel are for emergency and database routes: use environment or environmentLabel");
      }
      if (environment != null && !environments.contains(environment)) {
        p.add(path + ".environment: '" + Validation.printable(environment)
            + "' is not under environments: known are " + known(environments));
      }
    } else if (type != null) {
      oneOf(p, path, "service", service, "serviceLabel", serviceLabel);
      if (environment != null || environmentLabel != null) {
        p.add(path + ": environment and environmentLabel are for full routes: use service or serviceLabel");
      }
      if (service != null && !Validation.NAME.matcher(service).matches()) {
        p.add(path + ".service: '" + Validation.printable(service)
            + "' is not a valid service name: use the name the service has under services");
      }
    }
    oneOf(p, path, "severity", severity, "severityLabel", severityLabel);
    if (severity != null) {
      try {
        Severity.parse(severity);
      } catch (IllegalArgumentException e) {
        p.add(path + ".severity: " + e.getMessage());
      }
    }
    if (serviceLabel != null) {
      labelName(p, path + ".serviceLabel", serviceLabel);
    }
    if (environmentLabel != null) {
      labelName(p, path + ".environmentLabel", environmentLabel);
    }
    if (severityLabel != null) {
      labelName(p, path + ".severityLabel", severityLabel);
    }
    if (reasonAnnotation != null) {
      labelName(p, path + ".reasonAnnotation", reasonAnnotation);
    }
    if (armFor != null) {
      if (armFor.isNegative() || armFor.isZero() || armFor.compareTo(Validation.MAX_ARM) > 0) {
        p.add(path + ".armFor: " + Durations.human(armFor) + " is not a window: give one longer than 0 and at most "
            + Durations.human(Validation.MAX_ARM) + ", e.g. 15m");
      }
      if (type == RunbookType.DATABASE) {
        p.add(path + ".armFor: a database rollback is not armed: armFor is for emergency and full routes");
      }
    }
    return p;
  }

  static String known(Collection<String> names) {
    return names.isEmpty() ? "none (add one under environments)" : String.join(", ", names.stream().sorted().toList());
  }

  private static void oneOf(List<String> p, String path, String fixed, String fixedValue, String label, String labelValue) {
    if ((fixedValue == null) == (labelValue == null)) {
      p.add(path + ": give either " + fixed + " (a fixed value) or " + label
          + " (the label to read it from), not " + (fixedValue == null ? "neither" : "both"));
    }
  }

  private static void labelName(List<String> p, String path, String label) {
    if (label == null || !LABEL_NAME.matcher(label).matches()) {
      p.add(path + ": '" + (label == null ? "" : Validation.printable(label))
          + "' is not a label name: use letters, digits and '_', not starting with a digit");
    }
  }
}
