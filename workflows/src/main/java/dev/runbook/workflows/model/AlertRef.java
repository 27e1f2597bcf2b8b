package dev.runbook.workflows.model;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The Alertmanager alert that armed a run: the route that matched it, its name and its identity.
 * A {@code resolved} notification disarms the run only when it comes through the same route with
 * the same identity.
 *
 * @param route the alert route's name (api.alertRoutes[].name)
 * @param alertname the alert's {@code alertname} label, for people to read
 * @param fingerprint Alertmanager's fingerprint of the alert's labels, or a digest of its labels
 *     when the notification carries none
 */
public record AlertRef(String route, String alertname, String fingerprint) {
  /** Route names, alert names and fingerprints as they may travel in a run's input. */
  public static final Pattern FINGERPRINT = Pattern.compile("[A-Za-z0-9:_-]{1,100}");

  static final int MAX_TEXT = 200;

  /** True when {@code other} names the same alert through the same route. */
  public boolean sameAlert(AlertRef other) {
    return other != null && route != null && route.equals(other.route())
        && fingerprint != null && fingerprint.equals(other.fingerprint());
  }

  /** How people read it: "HighErrorRate (route high-error-rate, fingerprint c2f1a9)". */
  public String describe() {
    return (alertname == null ? "an alert" : alertname) + " (route " + route + ", fingerprint " + fingerprint + ")";
  }

  void problems(List<String> p, String field) {
    if (route == null || route.isBlank() || route.length() > MAX_TEXT || !route.equals(Validation.printable(route))) {
      p.add(field + ".route is required: the name of the alert route that armed the run");
    }
    if (fingerprint == null || !FINGERPRINT.matcher(fingerprint).matches()) {
      p.add(field + ".fingerprint '" + (fingerprint == null ? "" : Validation.printable(fingerprint))
          + "' is not an alert fingerprint: use letters, digits, ':', '_' or '-'");
    }
    if (alertname != null && (alertname.length() > MAX_TEXT || !alertname.equals(Validation.printable(alertname)))) {
      p.add(field + ".alertname is not printable text of at most " + MAX_TEXT + " characters");
    }
  }
}
