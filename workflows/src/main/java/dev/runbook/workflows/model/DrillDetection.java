package dev.runbook.workflows.model;

import java.util.Locale;

/** How a drill tells that its break took effect: the signals monitoring would raise an alarm on. */
public enum DrillDetection {
  /** The service's health check fails. */
  HEALTH_CHECK("health check"),
  /** The service's error-rate query reads over its configured threshold. */
  ERROR_RATE("error rate"),
  /** One of the service's smoke checks fails. */
  SMOKE_CHECK("smoke checks"),
  /**
   * An Alertmanager alert for the target arrives at the API's webhook: the alert monitoring
   * would page a person with, delivered to the drill instead of starting a real run.
   */
  ALERT("Alertmanager alert");

  private final String label;

  DrillDetection(String label) {
    this.label = label;
  }

  /** What a report and a message call it. */
  public String label() {
    return label;
  }

  /** Parses "health-check", "health_check" or "error-rate"; the message names the accepted values. */
  public static DrillDetection parse(String text) {
    if (text != null) {
      String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      for (DrillDetection d : values()) {
        if (d.name().equals(t)) {
          return d;
        }
      }
    }
    throw new IllegalArgumentException(
        "detection '" + text + "' is not known: use health-check, error-rate, smoke-check or alert");
  }
}
