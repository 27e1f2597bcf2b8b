package dev.runbook.workflows.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A rollback drill: break a staging service on purpose, wait until monitoring sees it, run the
 * real runbook against it as a person would, put the service back as it was, and report the
 * times against the SLA. The drill's own ID is {@code drill-<target>-<tag>}; the runbook it
 * starts takes the business ID a real rollback of the target would take, so a drill and a real
 * rollback of one service never run at once.
 *
 * @param runbook the runbook rehearsed; emergency for now (a full drill needs the environment's
 *     services, which configuration knows)
 * @param target the staging service the drill breaks and rolls back
 * @param badVersion the known-bad version the drill deploys to break the target
 * @param detection the signal that must say the target is broken
 * @param detectionLimit how long the drill waits for the signal; past it the drill ends as "not
 *     detected within" this, with the target restored
 * @param sla how long the rollback may take, from the runbook's start to its end
 * @param approver who approves the runbook's approval step for the drill (it then runs as P1); null
 *     runs it at P0, which the policy lets go without approval
 * @param requestedBy who asked for the drill (or the schedule); never the approver
 * @param tag eight lower-case hex digits chosen by whoever starts it
 */
public record DrillRequest(
    RunbookType runbook,
    String target,
    String badVersion,
    DrillDetection detection,
    Duration detectionLimit,
    Duration sla,
    String approver,
    String requestedBy,
    String tag) {

  /** The longest a drill waits for detection, and the longest SLA it measures against. */
  public static final Duration MAX_WAIT = Duration.ofHours(24);

  public String workflowId() {
    return WorkflowIds.forDrill(target, tag);
  }

  /** The severity of the runbook the drill starts: P1 with a drill approver, else P0. */
  public Severity severity() {
    return approver == null ? Severity.P0 : Severity.P1;
  }

  /** Problems with this request, each naming the field and the fix; empty when valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (runbook == null) {
      p.add("runbook is required: use emergency");
    } else if (runbook != RunbookType.EMERGENCY) {
      p.add("runbook '" + runbook.id() + "' cannot be drilled yet: use emergency on one staging service");
    }
    Validation.name(p, "target", target);
    if (badVersion == null || badVersion.isBlank()) {
      p.add("badVersion is required: name the known-bad version the drill deploys to break " + target);
    } else {
      Validation.version(p, "badVersion", badVersion);
    }
    if (detection == null) {
      p.add("detection is required: use health-check or error-rate");
    }
    required(p, "detectionLimit", detectionLimit, "e.g. 5m");
    required(p, "sla", sla, "e.g. 10m for a backend, 5m for a frontend");
    Validation.optionalName(p, "approver", approver);
    Validation.name(p, "requestedBy", requestedBy);
    if (approver != null && approver.equals(requestedBy)) {
      p.add("approver '" + approver + "' also requested the drill, and nobody approves their own run:"
          + " name another drill approver, or none to run the rollback at P0");
    }
    if (tag == null || !WorkflowIds.DRY_RUN_TAG.matcher(tag).matches()) {
      p.add("tag '" + (tag == null ? "" : Validation.printable(tag)) + "' is not eight lower-case hex digits:"
          + " the starter chooses it");
    }
    return p;
  }

  private static void required(List<String> p, String field, Duration d, String example) {
    if (d == null) {
      p.add(field + " is required: give a duration, " + example);
    } else if (d.isNegative() || d.isZero() || d.compareTo(MAX_WAIT) > 0) {
      p.add(field + " " + d + " is out of range: give more than 0 and at most 24h, " + example);
    }
  }

  /** Throws one exception listing every problem, or returns the request. */
  public DrillRequest requireValid() {
    List<String> problems = problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid drill request: " + String.join("; ", problems));
    }
    return this;
  }
}
