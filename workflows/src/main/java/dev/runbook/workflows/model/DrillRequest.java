package dev.runbook.workflows.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A rollback drill: break a staging service on purpose, wait until monitoring sees it, run the
 * real runbook against it as a person would, put the service back as it was, and report the
 * times against the SLA. The drill's own ID is {@code drill-<target>-<tag>}; the runbook it
 * starts takes the business ID a real rollback of the target would take, so a drill and a real
 * rollback of one service never run at once.
 *
 * @param runbook the runbook rehearsed: emergency (one service) or full (an environment)
 * @param target the staging service (emergency) or environment (full) the drill rolls back
 * @param services a full drill's services, in the environment's start order; null for emergency
 * @param brokenService the service that gets the known-bad version: one of a full drill's
 *     services; null for emergency (the target itself)
 * @param badVersion the known-bad version the drill deploys to break the target (a version break);
 *     null for a configuration or command break
 * @param detection the signal that must say the target is broken
 * @param detectionLimit how long the drill waits for the signal; past it the drill ends as "not
 *     detected within" this, with the target restored
 * @param sla how long the rollback may take, from the runbook's start to its end
 * @param approver who approves the runbook's approval step for the drill (it then runs as P1); null
 *     runs it at P0, which the policy lets go without approval
 * @param requestedBy who asked for the drill (or the schedule); never the approver
 * @param tag eight lower-case hex digits chosen by whoever starts it
 * @param breakWith how the drill breaks its target; null is {@link DrillBreak#VERSION}
 * @param alertLabels for detection by alert: the labels an alert must carry to be this drill's;
 *     null is {@code service: <the broken service>}
 * @param tell the notification channels the drill's report goes to; null sends it to the team's
 */
public record DrillRequest(
    RunbookType runbook,
    String target,
    List<String> services,
    String brokenService,
    String badVersion,
    DrillDetection detection,
    Duration detectionLimit,
    Duration sla,
    String approver,
    String requestedBy,
    String tag,
    DrillBreak breakWith,
    Map<String, String> alertLabels,
    List<String> tell) {

  /** A drill whose report goes to the team's channels. */
  public DrillRequest(RunbookType runbook, String target, List<String> services, String brokenService,
      String badVersion, DrillDetection detection, Duration detectionLimit, Duration sla, String approver,
      String requestedBy, String tag, DrillBreak breakWith, Map<String, String> alertLabels) {
    this(runbook, target, services, brokenService, badVersion, detection, detectionLimit, sla, approver, requestedBy,
        tag, breakWith, alertLabels, null);
  }

  /**
   * How the reason of the runbook a drill starts begins, so that every message of that run reads
   * as a rehearsal.
   */
  public static final String REASON_PREFIX = "DRILL ";

  private static final java.util.regex.Pattern ALERT_LABEL = java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,99}");

  /** The longest a drill waits for detection, and the longest SLA it measures against. */
  public static final Duration MAX_WAIT = Duration.ofHours(24);

  /** A drill that breaks with the known-bad version, detected by a check. */
  public DrillRequest(RunbookType runbook, String target, List<String> services, String brokenService,
      String badVersion, DrillDetection detection, Duration detectionLimit, Duration sla, String approver,
      String requestedBy, String tag) {
    this(runbook, target, services, brokenService, badVersion, detection, detectionLimit, sla, approver, requestedBy,
        tag, null, null, null);
  }

  /** An emergency drill of one service. */
  public DrillRequest(RunbookType runbook, String target, String badVersion, DrillDetection detection,
      Duration detectionLimit, Duration sla, String approver, String requestedBy, String tag) {
    this(runbook, target, null, null, badVersion, detection, detectionLimit, sla, approver, requestedBy, tag);
  }

  /** How the drill breaks its target. */
  public DrillBreak breaking() {
    return breakWith == null ? DrillBreak.VERSION : breakWith;
  }

  /** The labels an alert must carry to count as this drill's detection. */
  public Map<String, String> alertMatch() {
    return alertLabels == null || alertLabels.isEmpty() ? Map.of("service", broken()) : new TreeMap<>(alertLabels);
  }

  /** What broke it, for people: "v3-broken", "a bad configuration", "the break command". */
  public String brokenWith() {
    return breaking() == DrillBreak.VERSION ? badVersion : breaking().label();
  }

  /** The service the break goes to, and the signal is read on. */
  public String broken() {
    return brokenService == null ? target : brokenService;
  }

  /** Every service the drill puts back as it was: the target, or a full drill's services. */
  public List<String> restored() {
    return runbook == RunbookType.FULL && services != null ? services : target == null ? List.of() : List.of(target);
  }

  public String workflowId() {
    return WorkflowIds.forDrill(target, tag);
  }

  /** The ID of the runbook the drill starts: the one a real rollback of the target takes. */
  public String rollbackWorkflowId() {
    return runbook == RunbookType.FULL ? WorkflowIds.forEnvironment(target) : WorkflowIds.forService(target);
  }

  /** The severity of the runbook the drill starts: P1 with a drill approver, else P0. */
  public Severity severity() {
    return approver == null ? Severity.P0 : Severity.P1;
  }

  /** Problems with this request, each naming the field and the fix; empty when valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (runbook == null) {
      p.add("runbook is required: use emergency (one service) or full (an environment)");
    } else if (runbook != RunbookType.EMERGENCY && runbook != RunbookType.FULL) {
      p.add("runbook '" + runbook.id() + "' cannot be drilled: use emergency (one service) or full (an environment)");
    }
    Validation.name(p, "target", target);
    if (runbook == RunbookType.FULL) {
      fullServices(p);
    } else if (services != null || brokenService != null) {
      p.add("services and brokenService are for a full drill: drop them, the emergency drill breaks its target");
    }
    if (breaking() == DrillBreak.VERSION) {
      if (badVersion == null || badVersion.isBlank()) {
        p.add("badVersion is required: name the known-bad version the drill deploys to break " + broken());
      } else {
        Validation.version(p, "badVersion", badVersion);
      }
    } else if (badVersion != null) {
      p.add("badVersion is for a version break: drop it, a " + breaking().id() + " break takes what it writes or runs"
          + " from the workers' drills configuration");
    }
    if (breaking() == DrillBreak.CONFIG && runbook == RunbookType.FULL) {
      p.add("a configuration break is rehearsed with the emergency runbook, which restores the last known good"
          + " configuration: use runbook emergency, or break a full drill with its version or a command");
    }
    if (detection == null) {
      p.add("detection is required: use health-check, error-rate, smoke-check or alert");
    }
    if (tell != null && (tell.isEmpty() || tell.size() > 10
        || tell.stream().anyMatch(c -> c == null || !Validation.NAME.matcher(c).matches()))) {
      p.add("tell: give 1 to 10 channel names from notify.channels, or leave it out for the team's channels");
    }
    if (alertLabels != null) {
      if (detection != DrillDetection.ALERT) {
        p.add("alertLabels are for detection by alert: drop them, or detect with alert");
      }
      if (alertLabels.size() > 20) {
        p.add("alertLabels has " + alertLabels.size() + " labels: at most 20");
      }
      alertLabels.forEach((k, v) -> {
        if (k == null || !ALERT_LABEL.matcher(k).matches() || v == null || v.isEmpty() || v.length() > 200) {
          p.add("alertLabels: '" + (k == null ? "" : Validation.printable(k)) + "' needs a label name (letters, digits"
              + " and '_') and a value of 1 to 200 characters");
        }
      });
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

  private void fullServices(List<String> p) {
    if (services == null || services.isEmpty()) {
      p.add("services is required for a full drill: list the environment's services in start order");
      return;
    }
    if (services.size() > FullRollbackRequest.MAX_SERVICES) {
      p.add("services has " + services.size() + " entries: at most " + FullRollbackRequest.MAX_SERVICES);
    }
    for (String s : services) {
      Validation.name(p, "services[]", s);
    }
    if (services.stream().distinct().count() < services.size()) {
      p.add("services lists a service twice: list each service once");
    }
    if (brokenService == null) {
      p.add("brokenService is required for a full drill: name the service of " + target + " that gets the"
          + " known-bad version");
    } else if (!services.contains(brokenService)) {
      p.add("brokenService '" + Validation.printable(brokenService) + "' is not in services: name one of "
          + String.join(", ", services));
    }
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
