package dev.runbook.workflows;

import dev.runbook.workflows.activities.CheckActivities;
import dev.runbook.workflows.activities.CheckActivities.CheckRequest;
import dev.runbook.workflows.activities.CheckActivities.ErrorRateRequest;
import dev.runbook.workflows.activities.ServiceActivities;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.model.DrillDetection;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The detect step of a drill: reads the configured signal (one read-only activity each time),
 * sleeps on a durable timer between readings, and gives up at the detection limit. A worker that
 * restarts mid-wait picks the wait up where it was.
 */
final class DrillDetector {
  /** How often the signal is read, as a monitoring scrape would. */
  static final Duration EVERY = Duration.ofSeconds(15);

  private final ServiceActivities services =
      Workflow.newActivityStub(ServiceActivities.class, ActivityCatalog.QUICK);
  private final CheckActivities checks = Workflow.newActivityStub(CheckActivities.class, ActivityCatalog.QUICK);

  /**
   * Reads {@code detection} for {@code service} until it says broken or {@code limit} has passed
   * since {@code brokenAt} (workflow time, milliseconds).
   *
   * @param alerted for detection by alert: true once the alert has come (the drill's update sets it)
   * @return when it said broken (workflow time, milliseconds), or null when it did not within the limit
   */
  Long await(String service, DrillDetection detection, long brokenAt, Duration limit, Supplier<Boolean> alerted) {
    long deadline = brokenAt + limit.toMillis();
    if (detection == DrillDetection.ALERT) {
      // Nothing to read: the alert comes to the drill. One durable timer for the whole limit.
      long left = deadline - Workflow.currentTimeMillis();
      return left > 0 && Workflow.await(Duration.ofMillis(left), alerted::get) || alerted.get()
          ? Workflow.currentTimeMillis() : null;
    }
    while (true) {
      if (broken(service, detection)) {
        return Workflow.currentTimeMillis();
      }
      long left = deadline - Workflow.currentTimeMillis();
      if (left <= 0) {
        return null;
      }
      Workflow.sleep(Duration.ofMillis(Math.min(left, EVERY.toMillis())));
    }
  }

  private boolean broken(String service, DrillDetection detection) {
    return switch (detection) {
      case HEALTH_CHECK -> !services.health(new ServiceQuery(service, false)).healthy();
      case ERROR_RATE -> !checks.errorRate(new ErrorRateRequest(service, false, false)).withinThreshold();
      case SMOKE_CHECK -> !checks.smokeChecks(new CheckRequest(service, false)).passed();
      case ALERT -> throw new IllegalStateException("an alert is not read: it comes to the drill");
    };
  }
}
