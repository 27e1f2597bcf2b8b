package dev.runbook.worker.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.runbook.activities.service.ServiceSettings;
import dev.runbook.activities.service.TargetKind;
import dev.runbook.workflows.model.CronSchedule;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.DrillSchedule;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.policy.Slas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of the {@code drills:} section: a rehearsal of a rollback on a staging service or
 * environment, run on demand with {@code runbook drill} and, with a {@code schedule}, by the
 * workers. Production targets are refused here, at load, and again at every start.
 *
 * <pre>
 * drills:
 *   checkout-staging:
 *     runbook: emergency
 *     break: { version: v2.3.0-bad }
 *     detection: health-check
 *     detectionLimit: 5m
 *     schedule: "0 10 1 * *"
 * </pre>
 *
 * @param target the service (emergency) or environment (full); the drill's name when left out
 * @param brokenWith how the drill breaks the target ({@link DrillBreakSettings}), and for a full
 *     drill which service
 * @param sla the SLA measured against; the {@code slas:} value for the target when left out
 * @param approver a person who approves the drilled runbook (it runs at P1); none runs it at P0
 * @param schedule a five-field cron expression (UTC); none runs it only on demand
 * @param alertLabels with detection alert: the labels an alert must carry to be this drill's;
 *     {@code service: <the broken service>} when left out
 * @param tell ({@code notify}) who is told of the drill's report: channel names from {@code notify.channels};
 *     the team's channels when left out (the drilled runbook's own messages go as a run's do)
 */
public record DrillSettings(
    String runbook,
    String target,
    @JsonProperty("break") DrillBreakSettings brokenWith,
    String detection,
    Duration detectionLimit,
    Duration sla,
    String approver,
    String schedule,
    Map<String, String> alertLabels,
    @JsonProperty("notify") List<String> tell) {

  /** The drill's target: written, or the drill's own name. */
  public String targetOr(String name) {
    return target == null ? name : target;
  }

  /**
   * The request this entry describes, with the tag and requester left for whoever starts it;
   * call only on a section whose {@link #problems} were empty.
   */
  public DrillRequest template(String name, Map<String, EnvironmentSettings> environments, Slas slas) {
    RunbookType type = runbookType().orElseThrow();
    String t = targetOr(name);
    List<String> services = type == RunbookType.FULL ? environments.get(t).services() : null;
    return new DrillRequest(type, t, services, type == RunbookType.FULL ? brokenWith.service() : null,
        brokenWith.version(), DrillDetection.parse(detection), detectionLimit, slaFor(type, t, services, slas).orElseThrow(),
        approver, null, null, brokenWith.mode(), alertLabels == null || alertLabels.isEmpty() ? null : alertLabels,
        tell == null || tell.isEmpty() ? null : tell);
  }

  /** The schedule this entry runs, if it has one. */
  public Optional<DrillSchedule> drillSchedule(String name, Map<String, EnvironmentSettings> environments, Slas slas) {
    return schedule == null ? Optional.empty()
        : Optional.of(new DrillSchedule(template(name, environments, slas), CronSchedule.utc(schedule)));
  }

  private Optional<Duration> slaFor(RunbookType type, String t, List<String> services, Slas slas) {
    if (sla != null) {
      return Optional.of(sla);
    }
    return slas.forRun(type, type == RunbookType.FULL ? services : List.of(t));
  }

  private Optional<RunbookType> runbookType() {
    if (runbook == null) {
      return Optional.empty();
    }
    return switch (runbook.trim().toLowerCase(Locale.ROOT)) {
      case "emergency" -> Optional.of(RunbookType.EMERGENCY);
      case "full" -> Optional.of(RunbookType.FULL);
      default -> Optional.empty();
    };
  }

  /** Every problem of the section, each naming its path and the fix. */
  static List<String> problemsOf(Map<String, DrillSettings> drills, Map<String, ServiceSettings> services,
      Map<String, EnvironmentSettings> environments, Set<String> people, Slas slas, Set<String> channels) {
    List<String> p = new ArrayList<>();
    Map<String, String> targets = new java.util.HashMap<>();
    drills.forEach((name, d) -> {
      String path = "drills." + name;
      String earlier = d == null ? null : targets.putIfAbsent(d.targetOr(name), name);
      if (earlier != null) {
        p.add(path + ".target: '" + d.targetOr(name) + "' is already drilled by drills." + earlier
            + ": give each target one drill (its schedule and defaults are one run, drills-TARGET)");
      }
      if (d == null) {
        p.add(path + ": empty: give at least runbook, break.version, detection and detectionLimit");
      } else {
        p.addAll(d.problems(path, name, services, environments, people, slas));
        if (d.tell() != null) {
          d.tell().stream().filter(c -> !channels.contains(c)).forEach(c -> p.add(path + ".notify: '" + c
              + "' is not under notify.channels: name one of " + String.join(", ", new java.util.TreeSet<>(channels))
              + ", or leave notify out to tell the team's channels"));
          if (d.tell().isEmpty()) {
            p.add(path + ".notify: empty: name the channels told of the report, or leave notify out");
          }
        }
      }
    });
    return p;
  }

  List<String> problems(String path, String name, Map<String, ServiceSettings> services,
      Map<String, EnvironmentSettings> environments, Set<String> people, Slas slas) {
    List<String> p = new ArrayList<>();
    Optional<RunbookType> type = runbookType();
    String t = targetOr(name);
    if (type.isEmpty()) {
      p.add(path + ".runbook: " + (runbook == null ? "missing" : "'" + runbook + "' cannot be drilled")
          + ": write emergency (a service) or full (an environment)");
    } else if (type.get() == RunbookType.EMERGENCY) {
      ServiceSettings s = services.get(t);
      if (s == null) {
        p.add(path + ".target: '" + t + "' is not under services: name a staging service, or add it there");
      } else if (TargetKind.isProduction(s.kind())) {
        p.add(path + ".target: service '" + t + "' is kind production, and drills never touch production: name a"
            + " staging service, or write its kind (kind: staging) if it is not production");
      }
      if (brokenWith != null && brokenWith.service() != null) {
        p.add(path + ".break.service: an emergency drill breaks its target: remove break.service");
      }
    } else {
      fullTarget(p, path, t, services, environments);
    }
    if (brokenWith == null) {
      p.add(path + ".break: missing: write how the drill breaks " + t + ", e.g. break: {version: v2.3.0-bad}");
    } else {
      String broken = type.orElse(null) == RunbookType.FULL ? brokenWith.service() : t;
      ServiceSettings s = broken == null ? null : services.get(broken);
      p.addAll(brokenWith.problems(path + ".break", type.orElse(null) != RunbookType.FULL, broken,
          s != null && s.config() != null));
    }
    DrillDetection detected = null;
    if (detection == null) {
      p.add(path + ".detection: missing: write health-check, error-rate, smoke-check or alert");
    } else {
      try {
        detected = DrillDetection.parse(detection);
      } catch (IllegalArgumentException e) {
        p.add(path + ".detection: '" + detection + "' is not known: write health-check, error-rate, smoke-check or alert");
      }
    }
    if (alertLabels != null && detected != DrillDetection.ALERT) {
      p.add(path + ".alertLabels: are for detection: alert: remove them, or detect with alert");
    }
    within(p, path + ".detectionLimit", detectionLimit, true, "how long the drill waits to see the break, e.g. 5m");
    within(p, path + ".sla", sla, false, "how long the rollback may take, e.g. 10m");
    if (sla == null && type.isPresent() && p.isEmpty()
        && slaFor(type.get(), t, type.get() == RunbookType.FULL ? environments.get(t).services() : null, slas).isEmpty()) {
      p.add(path + ".sla: missing, and slas has no value for " + t + ": write sla (e.g. 10m), or add one under slas");
    }
    if (approver != null && !people.contains(approver)) {
      p.add(path + ".approver: '" + approver + "' is not under people: name a person listed there, or leave it out"
          + " to run the drilled rollback at P0");
    }
    if (schedule != null) {
      p.addAll(CronSchedule.utc(schedule).problems(path + ".schedule"));
    }
    return p;
  }

  private void fullTarget(List<String> p, String path, String t, Map<String, ServiceSettings> services,
      Map<String, EnvironmentSettings> environments) {
    EnvironmentSettings env = environments.get(t);
    if (env == null || env.services() == null) {
      p.add(path + ".target: '" + t + "' is not under environments: name a staging environment, or add it there");
      return;
    }
    if (TargetKind.isProduction(env.kind())) {
      p.add(path + ".target: environment '" + t + "' is kind production, and drills never touch production: name a"
          + " staging environment, or write its kind (kind: staging) if it is not production");
    }
    for (String s : env.services()) {
      ServiceSettings member = services.get(s);
      if (member != null && TargetKind.isProduction(member.kind())) {
        p.add(path + ".target: service '" + s + "' of environment '" + t + "' is kind production, and drills never"
            + " touch production: give it kind: staging if it is not production");
      }
    }
    String broken = brokenWith == null ? null : brokenWith.service();
    if (broken == null) {
      p.add(path + ".break.service: missing: a full drill names which service of " + t + " gets the bad version,"
          + " one of " + String.join(", ", env.services()));
    } else if (!env.services().contains(broken)) {
      p.add(path + ".break.service: '" + broken + "' is not a service of environment " + t + ": name one of "
          + String.join(", ", env.services()));
    }
  }

  private static void within(List<String> p, String path, Duration d, boolean required, String what) {
    if (d == null) {
      if (required) {
        p.add(path + ": missing: write " + what);
      }
    } else if (d.isNegative() || d.isZero() || d.compareTo(DrillRequest.MAX_WAIT) > 0) {
      p.add(path + ": " + Slas.format(d) + " is out of range: write more than 0 and at most 24h, " + what);
    }
  }
}
