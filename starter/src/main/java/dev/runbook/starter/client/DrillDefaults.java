package dev.runbook.starter.client;

import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.policy.Slas;
import java.util.List;
import java.util.Map;

/**
 * What the configuration gives a drill started on demand: the {@code drills:} entry of each
 * target (a request without tag or requester), the {@code slas:} section, and each environment's
 * services in start order.
 */
public record DrillDefaults(Map<String, DrillRequest> byTarget, Slas slas, Map<String, List<String>> environments) {
  public DrillDefaults {
    byTarget = byTarget == null ? Map.of() : Map.copyOf(byTarget);
    slas = slas == null ? Slas.none() : slas;
    environments = environments == null ? Map.of() : Map.copyOf(environments);
  }

  public static DrillDefaults none() {
    return new DrillDefaults(null, null, null);
  }
}
