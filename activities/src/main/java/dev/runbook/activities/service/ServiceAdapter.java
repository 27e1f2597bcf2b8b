package dev.runbook.activities.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * How one kind of service is acted on. Each action is split in two: its plan variant looks at
 * the service (reads only: a pid file, {@code ps}, {@code kubectl get}, the health URL) and
 * decides the steps, none when the service is already as wanted; applying the plan runs them. A
 * dry run stops after the plan, so it shows the exact argv a real run would use and cannot
 * change anything: the steps are only ever run by {@link Plan#apply}.
 */
interface ServiceAdapter {
  /** @param changed false when the service was already as wanted */
  record Change(boolean changed, String detail) {}

  record Health(boolean healthy, String detail) {}

  /**
   * One step of an action.
   *
   * @param display what it runs, as a person would type it ({@code Shell.display} for argv)
   * @param effect does it; notes what it ran on the trace; may return a short outcome or null
   */
  record Step(String display, Function<Trace, String> effect) {}

  /** @param detail what the action does, or why nothing is to be done when there are no steps */
  record Plan(List<Step> steps, String detail) {
    public Plan {
      steps = List.copyOf(steps);
    }

    static Plan nothing(String why) {
      return new Plan(List.of(), why);
    }

    boolean changes() {
      return !steps.isEmpty();
    }

    List<String> displays() {
      return steps.stream().map(Step::display).toList();
    }

    Change apply(Trace trace) {
      List<String> outcomes = new ArrayList<>();
      for (Step step : steps) {
        String outcome = step.effect().apply(trace);
        if (outcome != null) {
          outcomes.add(outcome);
        }
      }
      String done = outcomes.isEmpty() ? "" : ": " + String.join("; ", outcomes);
      return new Change(changes(), detail + done);
    }
  }

  Plan planStop(Trace reads);

  Plan planStart(Trace reads);

  Plan planDeploy(String version, Trace reads);

  /** Restarts the service as it is (same version), so it reads its configuration again. */
  Plan planRestart(Trace reads);

  default Change stop(Trace trace) {
    return planStop(trace).apply(trace);
  }

  default Change start(Trace trace) {
    return planStart(trace).apply(trace);
  }

  default Change deploy(String version, Trace trace) {
    return planDeploy(version, trace).apply(trace);
  }

  /** The version running now, or empty when it cannot be told. */
  Optional<String> currentVersion(Trace trace);

  /** What {@link #currentVersion} reads, without reading it. */
  List<String> planCurrentVersion();

  /**
   * The versions this service has run, newest first; the current one may be first. Empty when the
   * adapter knows none (then a requested version cannot be checked against the list).
   */
  List<String> previousVersions(Trace trace);

  /** One reading; an unhealthy service is a reading, not an exception. */
  Health health(Trace trace);

  /** What {@link #health} reads, without reading it. */
  List<String> planHealth();

  /** Refuses, with {@code INVALID_INPUT}, a version this adapter cannot use (not an image tag). */
  default void checkVersion(String version) {}
}
