package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The message one channel gets: its own template for the notification's kind when it has one
 * (else the channel kind's defaults, e.g. a status page's public wording), else the standard
 * message every channel shares. A part a template leaves out keeps the standard text.
 */
final class TemplatedMessages {
  private TemplatedMessages() {}

  static Message forChannel(
      Map<NotificationKind, KindTemplate> own, Map<NotificationKind, KindTemplate> defaults,
      Notification n, Message standard) {
    KindTemplate t = own.get(n.kind());
    if (t == null) {
      t = defaults.get(n.kind());
    }
    return t == null ? standard : render(t, n, standard);
  }

  static Message render(KindTemplate t, Notification n, Message standard) {
    Map<String, String> values = Placeholders.values(n);
    String title = KindTemplate.blank(t.title())
        ? standard.title()
        : (DrillDrafts.rehearsed(n) ? "[DRILL] " : "") + Placeholders.fill(t.title(), values).strip();
    String text = KindTemplate.blank(t.body())
        ? standard.text()
        : Placeholders.fill(t.body(), values).strip() + "\n";
    return new Message(title, text, blocks(title, text));
  }

  /** Slack blocks for a templated message: the title as header, the text as plain sections. */
  private static List<Map<String, Object>> blocks(String title, String text) {
    List<Map<String, Object>> blocks = new ArrayList<>();
    blocks.add(MessageTemplates.obj("type", "header", "text", MessageTemplates.obj(
        "type", "plain_text", "text", MessageTemplates.cut(title, MessageTemplates.HEADER_MAX))));
    for (String chunk : MessageTemplates.chunks(
        MessageTemplates.escape(text), MessageTemplates.SECTION_MAX)) {
      blocks.add(MessageTemplates.section(chunk));
    }
    return blocks;
  }
}
