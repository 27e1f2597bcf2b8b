package dev.runbook.activities.notify;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Status page incidents kept in memory: for tests and for notifiers without an audit database. */
public final class InMemoryStatuspageIncidents implements StatuspageIncidents {
  private final Map<String, Opened> opened = new ConcurrentHashMap<>();

  private static String id(String channel, String workflowId) {
    return channel + "\n" + workflowId;
  }

  @Override
  public Optional<Opened> find(String channel, String workflowId) {
    return Optional.ofNullable(opened.get(id(channel, workflowId)));
  }

  @Override
  public void creating(String channel, String workflowId, String name, String key) {
    opened.putIfAbsent(id(channel, workflowId), new Opened(name, key, Instant.now(), null, false));
  }

  @Override
  public void created(String channel, String workflowId, String incidentId) {
    opened.computeIfPresent(id(channel, workflowId), (k, o) ->
        new Opened(o.name(), o.createdByKey(), o.createSentAt(), incidentId, o.resolved()));
  }

  @Override
  public void resolved(String channel, String workflowId) {
    opened.computeIfPresent(id(channel, workflowId), (k, o) ->
        new Opened(o.name(), o.createdByKey(), o.createSentAt(), o.incidentId(), true));
  }
}
