package dev.runbook.starter.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What a person asks for with {@code runbook drill} or {@code POST /api/v1/drills}: every field
 * but runbook and target may be left out where the {@code drills:} entry of the target gives it.
 *
 * @param runbook emergency (a service) or full (an environment)
 * @param target the staging service or environment
 * @param badVersion the known-bad version deployed to break it (a version break)
 * @param brokenService for a full drill, which service of the environment gets the break
 * @param detection health-check, error-rate, smoke-check or alert
 * @param limit how long to wait for detection, e.g. 5m
 * @param sla how long the rollback may take, e.g. 10m
 * @param approver who approves the drilled runbook (then P1); none runs it at P0
 * @param breakWith version, config or command; config and command only where the target's
 *     {@code drills:} entry configures them
 * @param alertLabels for detection by alert: the labels the alert must carry
 */
public record DrillStart(
    String runbook,
    String target,
    String badVersion,
    String brokenService,
    String detection,
    String limit,
    String sla,
    String approver,
    @JsonProperty("break") String breakWith,
    Map<String, String> alertLabels) {

  /** A drill that breaks as its target's entry says (or with {@code badVersion}). */
  public DrillStart(String runbook, String target, String badVersion, String brokenService, String detection,
      String limit, String sla, String approver) {
    this(runbook, target, badVersion, brokenService, detection, limit, sla, approver, null, null);
  }
}
