package dev.runbook.activities.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The part every adapter shares: the service's own health and version URLs, when configured,
 * are believed over the adapter's view (they say what really answers), which is the fallback.
 */
abstract class BaseAdapter implements ServiceAdapter {
  protected final String service;
  protected final Endpoints endpoints;

  BaseAdapter(String service, Endpoints endpoints) {
    this.service = service;
    this.endpoints = endpoints;
  }

  /** The adapter's own idea of health: the process is alive, the containers run... */
  protected abstract Health ownHealth(Trace trace);

  protected abstract List<String> planOwnHealth();

  /** The adapter's own idea of the version: the recorded one, the env file, the image tag... */
  protected abstract Optional<String> ownVersion(Trace trace);

  protected abstract List<String> planOwnVersion();

  @Override
  public final Health health(Trace trace) {
    return endpoints.hasHealth() ? endpoints.health(trace) : ownHealth(trace);
  }

  @Override
  public final List<String> planHealth() {
    return endpoints.hasHealth() ? List.of(endpoints.planHealth()) : planOwnHealth();
  }

  @Override
  public final Optional<String> currentVersion(Trace trace) {
    if (endpoints.hasVersion()) {
      Optional<String> reported = endpoints.version(trace);
      if (reported.isPresent()) {
        return reported;
      }
    }
    return ownVersion(trace);
  }

  @Override
  public final List<String> planCurrentVersion() {
    List<String> plan = new ArrayList<>();
    if (endpoints.hasVersion()) {
      plan.add(endpoints.planVersion());
    }
    plan.addAll(planOwnVersion());
    return plan;
  }

  /**
   * Why a deploy has nothing to do: the version already runs and is healthy. Empty when a deploy
   * is needed.
   */
  protected Optional<String> alreadyRunning(String version, Optional<String> current,
      Trace trace) {
    if (current.isEmpty() || !current.get().equals(version)) {
      return Optional.empty();
    }
    Health health = health(trace);
    if (!health.healthy()) {
      return Optional.empty();
    }
    return Optional.of(service + " already runs " + version + " and is healthy ("
        + health.detail() + ")");
  }

  /** A step that is not a command: it notes its display on the trace, then does its work. */
  protected static Step step(String display, Consumer<Trace> effect) {
    return new Step(display, trace -> {
      trace.note(display);
      effect.accept(trace);
      return null;
    });
  }
}
