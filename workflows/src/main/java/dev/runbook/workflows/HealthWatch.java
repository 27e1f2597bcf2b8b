package dev.runbook.workflows;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.ServiceActivities.HealthReading;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.Failures;
import dev.runbook.workflows.engine.RunbookEngine;
import dev.runbook.workflows.engine.StepPolicy;
import dev.runbook.workflows.policy.Durations;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The watch after an emergency rollback (VITAL: 15 minutes of monitoring): health re-checked
 * every minute, the team told when it regresses and when it recovers.
 */
final class HealthWatch {
  static final Duration INTERVAL = Duration.ofMinutes(1);

  private final RunbookEngine engine;
  private final String service;
  private final boolean dry;

  HealthWatch(RunbookEngine engine, String service, boolean dry) {
    this.engine = engine;
    this.service = service;
    this.dry = dry;
  }

  /** Re-checks health every minute for {@code period}; returns whether it was healthy at the end. */
  boolean watch(Duration period) {
    long checks = period.toMinutes() / INTERVAL.toMinutes();
    if (checks <= 0) {
      return true;
    }
    if (dry) {
      engine.step(
          "monitor",
          "Monitor health for " + Durations.human(period),
          StepPolicy.SKIPPABLE,
          () -> {
            engine.plan(
                "check health of " + service + " every " + Durations.human(INTERVAL)
                    + " for " + Durations.human(period) + "; notify on regression");
            engine.detail(
                "would check health every " + Durations.human(INTERVAL) + " for "
                    + Durations.human(period));
            return null;
          });
      return true;
    }
    boolean[] healthyAtEnd = {true};
    engine.monitoring(true);
    engine.step(
        "monitor",
        "Monitor health for " + Durations.human(period),
        StepPolicy.SKIPPABLE,
        () -> {
          boolean healthy = true;
          int bad = 0;
          for (long i = 1; i <= checks; i++) {
            Workflow.newTimer(
                    INTERVAL,
                    TimerOptions.newBuilder().setSummary("monitor " + i + "/" + checks).build())
                .get();
            HealthReading reading = readHealth();
            if (!reading.healthy()) {
              bad++;
            }
            if (healthy && !reading.healthy()) {
              engine.notify(
                  NotificationKind.REGRESSION,
                  Audience.TEAM,
                  null,
                  service + " unhealthy " + i + " min after the rollback: " + reading.detail());
              engine.notify(
                  NotificationKind.REGRESSION,
                  Audience.ESCALATION,
                  null,
                  service + " unhealthy " + i + " min after the rollback: " + reading.detail());
            } else if (!healthy && reading.healthy()) {
              engine.notify(
                  NotificationKind.RECOVERED,
                  Audience.TEAM,
                  null,
                  service + " healthy again " + i + " min after the rollback");
            }
            healthy = reading.healthy();
            engine.detail(i + "/" + checks + " checks, " + bad + " unhealthy");
          }
          healthyAtEnd[0] = healthy;
          return null;
        });
    engine.monitoring(false);
    return healthyAtEnd[0];
  }

  private HealthReading readHealth() {
    try {
      return engine.services(ActivityCatalog.QUICK).health(new ServiceQuery(service, false));
    } catch (ActivityFailure f) {
      if (Failures.isCancellation(f)) {
        throw f;
      }
      return new HealthReading(service, false, null, "health check failed: " + f.getCause().getMessage());
    }
  }
}
