package dev.runbook.activities.notify;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A delivery log kept in this process only, for the console-only dev mode that runs without a
 * database. It forgets everything when the worker stops, so a retry after a restart may send a
 * message again: use {@link JdbcDeliveryLog} wherever a duplicate page matters.
 */
public final class InMemoryDeliveryLog implements DeliveryLog {
  private final Map<String, Set<String>> delivered = new ConcurrentHashMap<>();

  @Override
  public Set<String> deliveredChannels(String key) {
    return Set.copyOf(delivered.getOrDefault(key, Set.of()));
  }

  @Override
  public void recordDelivery(String key, String channel) {
    delivered.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(channel);
  }
}
