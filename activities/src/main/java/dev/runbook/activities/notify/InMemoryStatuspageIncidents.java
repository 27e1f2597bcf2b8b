package dev.runbook.activities.notify;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Status page incidents kept in memory: for tests and for notifiers without an audit database. */
public final class InMemoryStatuspageIncidents implements StatuspageIncidents {
  private final Map<String, Opened> opened = new ConcurrentHashMap<>();

  private static String id(String channel, String run) {
    return channel + "\n" + run;
  }

  @Override
  public Optional<Opened> find(String channel, String run) {
    return Optional.ofNullable(opened.get(id(channel, run)));
  }

  @Override
  public void creating(String channel, String run, String name, String key) {
    opened.putIfAbsent(id(channel, run), new Opened(name, key, Instant.now(), null, false));
  }

  @Override
  public void created(String channel, String run, String incidentId) {
    opened.computeIfPresent(id(channel, run), (k, o) ->
        new Opened(o.name(), o.createdByKey(), o.createSentAt(), incidentId, o.resolved()));
  }

  @Override
  public void resolved(String channel, String run) {
    opened.computeIfPresent(id(channel, run), (k, o) ->
        new Opened(o.name(), o.createdByKey(), o.createSentAt(), o.incidentId(), true));
  }
}
