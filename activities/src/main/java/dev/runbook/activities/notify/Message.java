package dev.runbook.activities.notify;

import java.util.List;
import java.util.Map;

/**
 * A rendered notification: the title (Slack header, email subject), the plain text body (email,
 * console, webhook, Slack fallback) and the Slack Block Kit blocks.
 */
public record Message(String title, String text, List<Map<String, Object>> blocks) {
  public Message {
    blocks = List.copyOf(blocks);
  }
}
