package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.NotifyActivities.Notification;

/** One configured destination for messages. */
interface Channel {
  /** The name under {@code notify.channels}; errors and plans refer to the channel by it. */
  String name();

  /** Where the message goes, for plans and results, e.g. "Slack channel 'ops'"; no secrets. */
  String describe();

  /** Delivers the message, or throws {@link DeliveryFailure} saying whether a retry can help. */
  void deliver(Message message, Notification notification);
}
