package dev.runbook.workflows;

import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.VerifyRequest;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.RunbookEngine;
import dev.runbook.workflows.engine.StepPolicy;
import java.util.List;

/**
 * The applications that write to a database under restore: stopped before the swap (with their
 * restart registered as its compensation) and started and verified after it, as the source
 * runbooks do ("stop the app, restore, start, check").
 */
final class Writers {
  private final RunbookEngine engine;
  private final List<String> services;
  private final boolean dry;

  Writers(RunbookEngine engine, List<String> services, boolean dry) {
    this.engine = engine;
    this.services = List.copyOf(services);
    this.dry = dry;
  }

  void stop() {
    engine.compensation(
        "stop-writers",
        "Start " + String.join(", ", services) + " again",
        () -> services.forEach(s -> engine.services(ActivityCatalog.SERVICE)
            .start(new ServiceAction(s, engine.key("compensate-start-" + s), dry))));
    engine.step(
        "stop-writers",
        "Stop " + String.join(", ", services),
        StepPolicy.REQUIRED,
        () -> {
          services.forEach(
              s ->
                  engine.note(
                      engine.services(ActivityCatalog.SERVICE)
                          .stop(new ServiceAction(s, engine.key("stop-" + s), dry))));
          return null;
        });
  }

  void startAndVerify() {
    engine.step(
        "start-writers",
        "Start " + String.join(", ", services),
        StepPolicy.REQUIRED,
        () -> {
          services.forEach(
              s ->
                  engine.note(
                      engine.services(ActivityCatalog.SERVICE)
                          .start(new ServiceAction(s, engine.key("start-" + s), dry))));
          return null;
        });
    engine.step(
        "verify",
        "Verify " + String.join(", ", services) + " healthy",
        StepPolicy.SKIPPABLE,
        () -> {
          services.forEach(
              s ->
                  engine.note(
                      engine.services(ActivityCatalog.VERIFY)
                          .verify(new VerifyRequest(s, null, dry))));
          return null;
        });
  }
}
