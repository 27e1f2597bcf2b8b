package dev.runbook.activities.check;

import dev.runbook.activities.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a service's error rate is read: a PromQL query against the Prometheus HTTP API, compared
 * with a threshold (0.10 = 10 %, the source runbooks' automatic-rollback line).
 *
 * <pre>
 * errorRate:
 *   prometheusUrl: http://prometheus:9090
 *   query: sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))
 *   threshold: 0.10
 *   bearerToken: ${PROMETHEUS_TOKEN}   # optional
 * </pre>
 */
public record ErrorRateSettings(
    String prometheusUrl, String query, Double threshold, Secret bearerToken, Duration timeout) {
  public static final double DEFAULT_THRESHOLD = 0.10;

  public ErrorRateSettings {
    threshold = threshold == null ? DEFAULT_THRESHOLD : threshold;
    bearerToken = bearerToken == null ? Secret.of("") : bearerToken;
    timeout = timeout == null ? HttpProbe.DEFAULT_TIMEOUT : timeout;
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    String url = HttpProbe.urlProblem(prometheusUrl);
    if (url != null) {
      problems.add(path + ".prometheusUrl: " + url
          + ": give the Prometheus base URL, e.g. http://prometheus:9090");
    }
    if (query == null || query.isBlank()) {
      problems.add(path + ".query: missing: give a PromQL query that returns the error ratio (0..1)");
    }
    if (threshold < 0 || threshold > 1) {
      problems.add(path + ".threshold: " + threshold + " is not a ratio: use 0..1, e.g. 0.10 for 10%");
    }
    CheckSettings.positive(problems, path + ".timeout", timeout);
    return problems;
  }
}
