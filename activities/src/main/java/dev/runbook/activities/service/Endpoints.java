package dev.runbook.activities.service;

import dev.runbook.activities.check.HttpProbe;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * What the service itself says over HTTP: its health URL (2xx = healthy) and its version URL (a
 * JSON field, or the plain body). Either may be unset; the adapter's own view is used then.
 */
final class Endpoints {
  private final String healthUrl;
  private final String versionUrl;
  private final String versionField;

  Endpoints(String healthUrl, String versionUrl, String versionField) {
    this.healthUrl = healthUrl;
    this.versionUrl = versionUrl;
    this.versionField = versionField;
  }

  boolean hasHealth() {
    return healthUrl != null;
  }

  boolean hasVersion() {
    return versionUrl != null;
  }

  String planHealth() {
    return "GET " + HttpProbe.display(healthUrl);
  }

  String planVersion() {
    return "GET " + HttpProbe.display(versionUrl);
  }

  ServiceAdapter.Health health(Trace trace) {
    return health(trace, HttpProbe.DEFAULT_TIMEOUT);
  }

  /** @param timeout how long to wait for the answer (short while polling a starting process) */
  ServiceAdapter.Health health(Trace trace, Duration timeout) {
    trace.note(planHealth());
    String url = HttpProbe.display(healthUrl);
    try {
      HttpProbe.Response response = HttpProbe.get(healthUrl, timeout);
      return new ServiceAdapter.Health(response.ok(), "GET " + url + " answered "
          + response.status() + ": " + HttpProbe.snippet(response.body()));
    } catch (IOException e) {
      return new ServiceAdapter.Health(false, "GET " + url + ": " + HttpProbe.reason(e));
    }
  }

  /** The version the service reports, or empty when it does not answer (it may be down). */
  Optional<String> version(Trace trace) {
    trace.note(planVersion());
    try {
      HttpProbe.Response response = HttpProbe.get(versionUrl, HttpProbe.DEFAULT_TIMEOUT);
      if (!response.ok()) {
        return Optional.empty();
      }
      Optional<String> field = HttpProbe.jsonField(response.body(), versionField);
      if (field.isPresent()) {
        return field;
      }
      String body = response.body().strip();
      boolean plain = !body.isEmpty() && !body.startsWith("{") && !body.startsWith("[")
          && !body.contains("\n");
      return plain ? Optional.of(body) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
