package dev.runbook.activities.notify;

import java.util.Set;

/**
 * Which channels already took a message, by idempotency key. A channel is recorded only after it
 * accepted the message, so a retry skips it and re-sends only where delivery failed.
 */
public interface DeliveryLog {
  /** The channels that already have the message with this key. */
  Set<String> deliveredChannels(String key);

  /** Records that the channel has the message; recording the same pair again changes nothing. */
  void recordDelivery(String key, String channel);
}
