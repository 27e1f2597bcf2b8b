package dev.runbook.starter.client;

import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A drill request from what a person asked ({@code runbook drill}, {@code POST /api/v1/drills})
 * and the target's {@code drills:} entry: the person's fields first. Asking for what the entry
 * cannot give (a configuration or command break it does not configure) is refused here, before
 * anything starts.
 */
final class DrillRequests {
  private DrillRequests() {}

  /**
   * The request as it will start: the person's fields, else the target's {@code drills:} entry;
   * a field neither gives is left for the request's own validation to name.
   */
  static DrillRequest of(DrillDefaults defaults, DrillStart s, String person, String tag) {
    RunbookType type = runbook(s.runbook());
    String target = s.target();
    if (target == null || target.isBlank()) {
      throw new RunbookException.InvalidRequest("target is required: name the staging service (emergency) or"
          + " environment (full) to drill");
    }
    DrillRequest entry = defaults.byTarget().get(target);
    if (entry != null && entry.runbook() != type) {
      entry = null;
    }
    List<String> services = type == RunbookType.FULL
        ? entry != null ? entry.services() : defaults.environments().get(target) : null;
    String broken = type == RunbookType.FULL ? first(s.brokenService(), entry == null ? null : entry.brokenService()) : null;
    Duration sla = s.sla() != null ? duration("sla", s.sla()) : entry != null ? entry.sla()
        : defaults.slas().forRun(type, type == RunbookType.FULL ? services : List.of(target)).orElse(null);
    DrillBreak breakWith = breakWith(s, entry);
    DrillDetection detection = s.detection() != null ? detection(s.detection()) : entry == null ? null : entry.detection();
    return new DrillRequest(type, target, services, broken,
        breakWith == DrillBreak.VERSION ? first(s.badVersion(), entry == null ? null : entry.badVersion()) : null,
        detection,
        s.limit() != null ? duration("limit", s.limit()) : entry == null ? null : entry.detectionLimit(),
        sla,
        first(s.approver(), entry == null ? null : entry.approver()),
        person, tag, breakWith, alertLabels(s, entry, detection), entry == null ? null : entry.tell());
  }

  /**
   * The break asked for, else a version break when a bad version is given, else the entry's. A
   * configuration or command break takes what it writes or runs from the target's entry, so one
   * the entry does not configure is refused.
   */
  private static DrillBreak breakWith(DrillStart s, DrillRequest entry) {
    if (s.breakWith() == null) {
      return s.badVersion() != null || entry == null ? DrillBreak.VERSION : entry.breaking();
    }
    DrillBreak asked;
    try {
      asked = DrillBreak.parse(s.breakWith());
    } catch (IllegalArgumentException e) {
      throw new RunbookException.InvalidRequest(e.getMessage());
    }
    if (asked == DrillBreak.VERSION) {
      return asked;
    }
    if (s.badVersion() != null) {
      throw new RunbookException.InvalidRequest("badVersion (--bad-version) is for a version break: drop it (a " + asked.id()
          + " break takes what it " + (asked == DrillBreak.CONFIG ? "writes" : "runs") + " from the drills entry of "
          + Validation.printable(s.target()) + "), or break with version");
    }
    if (entry == null || entry.breaking() != asked) {
      String what = asked == DrillBreak.CONFIG ? "configuration break" : "break command";
      String target = Validation.printable(s.target());
      throw new RunbookException.StartRefused("nothing was started: no " + what + " is configured for " + target
          + ": add drills.<name>.break." + asked.id() + " to the drills entry of " + target + " in runbook.yaml, or"
          + " break with version");
    }
    return asked;
  }

  /** The labels asked for, else the entry's when it detects by alert too; only with detection by alert. */
  private static Map<String, String> alertLabels(DrillStart s, DrillRequest entry, DrillDetection detection) {
    if (s.alertLabels() != null && !s.alertLabels().isEmpty()) {
      if (detection != DrillDetection.ALERT) {
        throw new RunbookException.InvalidRequest("alertLabels (--alert-label) are for detection by alert: detect"
            + " with alert (--detection alert), or drop them");
      }
      return s.alertLabels();
    }
    return detection == DrillDetection.ALERT && entry != null && entry.detection() == DrillDetection.ALERT
        ? entry.alertLabels() : null;
  }

  private static RunbookType runbook(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "emergency" -> RunbookType.EMERGENCY;
      case "full" -> RunbookType.FULL;
      default -> throw new RunbookException.InvalidRequest("runbook '" + Validation.printable(t) + "' cannot be"
          + " drilled: use emergency (a service) or full (an environment)");
    };
  }

  private static DrillDetection detection(String text) {
    try {
      return DrillDetection.parse(text);
    } catch (IllegalArgumentException e) {
      throw new RunbookException.InvalidRequest(e.getMessage());
    }
  }

  private static Duration duration(String field, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new RunbookException.InvalidRequest(field + " '" + Validation.printable(text) + "' is not a duration:"
          + " write it like 5m or 1h30m");
    }
  }

  private static String first(String given, String configured) {
    return given != null ? given : configured;
  }
}
