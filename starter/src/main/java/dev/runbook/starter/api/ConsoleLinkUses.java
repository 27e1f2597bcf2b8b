package dev.runbook.starter.api;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the console records that a one-time link was opened, so it opens once only, across every
 * API server that shares the rollback log.
 */
@FunctionalInterface
public interface ConsoleLinkUses {
  /**
   * Records the first use of {@code nonce}: empty when this is it, else when it was used before.
   * Safe to call twice with the same nonce (the second call reports the first use).
   */
  Optional<Instant> use(String nonce, String workflowId, String person, Instant at);

  /** A record kept in this process only (tests, or an API without the rollback log). */
  static ConsoleLinkUses inMemory() {
    ConcurrentHashMap<String, Instant> used = new ConcurrentHashMap<>();
    return (nonce, workflowId, person, at) -> Optional.ofNullable(used.putIfAbsent(nonce, at));
  }
}
