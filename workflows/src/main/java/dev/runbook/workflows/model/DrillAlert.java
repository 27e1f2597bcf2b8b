package dev.runbook.workflows.model;

import java.util.Map;

/**
 * An Alertmanager alert handed to a drill that waits for one: the drill counts its break as
 * detected by monitoring when the alert's labels carry every label the drill waits for.
 *
 * @param alertname the alert's {@code alertname} label, for people to read
 * @param fingerprint Alertmanager's fingerprint of the alert, or a digest of its labels
 * @param labels the alert's labels
 * @param receivedBy who delivered it (the Alertmanager user of the API)
 */
public record DrillAlert(String alertname, String fingerprint, Map<String, String> labels, String receivedBy) {
  /** True when every one of {@code wanted} is among the alert's labels with that value. */
  public boolean matches(Map<String, String> wanted) {
    return labels != null && wanted != null && !wanted.isEmpty()
        && wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** "HighErrorRate (fingerprint c2f1a9)". */
  public String describe() {
    return (alertname == null ? "an alert" : alertname) + (fingerprint == null ? "" : " (fingerprint " + fingerprint + ")");
  }
}
