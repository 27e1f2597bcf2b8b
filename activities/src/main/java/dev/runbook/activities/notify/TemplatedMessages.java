package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The message one channel gets: its own template for the notification's kind when it has one,
 * else the defaults of its kind of channel (a status page's public wording), else the standard
 * message every channel shares. A part the channel's template leaves out comes from those
 * defaults, else from the standard message.
 */
final class TemplatedMessages {
  private TemplatedMessages() {}

  static Message forChannel(
      Map<NotificationKind, KindTemplate> own, Map<NotificationKind, KindTemplate> defaults,
      Notification n, Message standard) {
    KindTemplate mine = own.get(n.kind());
    KindTemplate fallback = defaults.get(n.kind());
    if (mine == null && fallback == null) {
      return standard;
    }
    if (mine == null || fallback == null) {
      return render(mine == null ? fallback : mine, n, standard);
    }
    return render(new KindTemplate(
        KindTemplate.blank(mine.title()) ? fallback.title() : mine.title(),
        KindTemplate.blank(mine.body()) ? fallback.body() : mine.body()), n, standard);
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
