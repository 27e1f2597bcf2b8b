package dev.runbook.starter.api;

import dev.runbook.starter.client.Drills;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.model.DrillAlert;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Firing alerts and the drills that run: a drill that detects its break by alert takes the alert
 * as its detection, and an alert for a target a drill has broken is the drill's doing, not an
 * incident. Either way no real run starts for it (it would take the ID of the drill's runbook).
 */
final class AlertDrills {
  private static final Logger log = LoggerFactory.getLogger(AlertDrills.class);

  /**
   * What became of one alert among the drills.
   *
   * @param outcome drill_detected (a drill took it as its detection), drill_running (a drill runs
   *     on the alert's target but did not take it) or failed (the drills could not be asked: the
   *     alert is to be sent again)
   * @param drillId the drill, or null when they could not be asked
   */
  record Verdict(String outcome, String drillId, String message) {
    /** Where the drill is followed. */
    String url() {
      return drillId == null ? null : DrillsApi.PATH + "/" + drillId;
    }
  }

  /** The drills open while one notification is handled, listed on first need. */
  final class Open {
    private List<String> ids;

    private List<String> ids() {
      if (ids == null) {
        ids = drills.openDrills();
      }
      return ids;
    }

    /**
     * Hands the alert to every open drill and returns the first that takes it; else, when the
     * alert's route targets something a drill has broken, that drill; else empty (the alert is
     * handled as without drills).
     *
     * @param routeTarget the service or environment the alert's route would roll back, or null
     */
    Optional<Verdict> judge(DrillAlert alert, String routeTarget) {
      List<String> open;
      try {
        open = ids();
      } catch (RunbookException e) {
        log.warn("the open drills cannot be listed for alert {}: {}", alert.describe(), e.getMessage());
        return Optional.of(new Verdict("failed", null, e.getMessage() + "; the alert may be a drill's, so nothing"
            + " was started: Alertmanager sends it again"));
      }
      List<String> unreachable = new ArrayList<>();
      for (String id : open) {
        try {
          Receipt r = drills.alert(id, alert);
          log.info("alert {} detected drill {}", alert.describe(), id);
          return Optional.of(new Verdict("drill_detected", id, r.message()));
        } catch (RunbookException.Refused | RunbookException.UnknownRun notThisDrill) {
          // Another signal, another target's labels, or it ended meanwhile: the next drill judges.
        } catch (RunbookException e) {
          log.warn("alert {} could not reach drill {}: {}", alert.describe(), id, e.getMessage());
          unreachable.add(id);
        }
      }
      if (routeTarget != null) {
        for (String id : open) {
          if (Drills.targetOf(id).equals(routeTarget)) {
            return Optional.of(new Verdict("drill_running", id, "a drill of " + Validation.printable(routeTarget) + " runs as "
                + id + ": the alert is its break, not an incident; no run started"));
          }
        }
      }
      if (!unreachable.isEmpty()) {
        return Optional.of(new Verdict("failed", null, "drills " + String.join(", ", unreachable) + " could not be asked"
            + " whether the alert is theirs: nothing was started; Alertmanager sends it again"));
      }
      return Optional.empty();
    }
  }

  private final Drills drills;

  AlertDrills(Drills drills) {
    this.drills = drills;
  }

  /** The open drills for one notification. */
  Open open() {
    return new Open();
  }

  /** The alert as a drill receives it: labels copied, the fingerprint as the webhook keys alerts. */
  static DrillAlert drillAlert(String alertname, String fingerprint, Map<String, String> labels, String receivedBy) {
    Map<String, String> copy = new TreeMap<>();
    if (labels != null) {
      labels.forEach((k, v) -> {
        if (k != null && v != null) {
          copy.put(k, v);
        }
      });
    }
    return new DrillAlert(alertname, fingerprint, copy, receivedBy);
  }
}
