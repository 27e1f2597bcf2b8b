package dev.runbook.bench.approve;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where an approval's time goes, from a run's history: every event from the workflow task that
 * took the first update up to the workflow task that scheduled {@code activity}, then that
 * activity's start, each in milliseconds from the first (the server's clock).
 */
final class UpdateTimeline {
  private UpdateTimeline() {}

  static String of(History history, String activity) {
    List<HistoryEvent> events = history.getEventsList();
    int accepted = -1;
    for (int i = 0; i < events.size() && accepted < 0; i++) {
      if (events.get(i).getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
        accepted = i;
      }
    }
    if (accepted < 0) {
      return "no update in the history";
    }
    int from = accepted;
    while (from > 0 && events.get(from).getEventType() != EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) {
      from--;
    }
    long t0 = micros(events.get(from));
    List<String> out = new ArrayList<>();
    long scheduled = -1;
    for (int i = from; i < events.size(); i++) {
      HistoryEvent e = events.get(i);
      out.add(name(e) + " +" + since(t0, e));
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals(activity)) {
        scheduled = e.getEventId();
      }
      if (scheduled >= 0 && e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        break;
      }
    }
    for (HistoryEvent e : events) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
          && e.getActivityTaskStartedEventAttributes().getScheduledEventId() == scheduled) {
        out.add(activity + " started +" + since(t0, e));
      }
    }
    return String.join(", ", out);
  }

  /** "ActivityTaskScheduled (AuditRecord)" from EVENT_TYPE_ACTIVITY_TASK_SCHEDULED. */
  private static String name(HistoryEvent e) {
    StringBuilder b = new StringBuilder();
    for (String word : e.getEventType().name().replace("EVENT_TYPE_", "").split("_")) {
      b.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      b.append(" (").append(e.getActivityTaskScheduledEventAttributes().getActivityType().getName()).append(')');
    }
    if (e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED) {
      b.append(" (").append(e.getMarkerRecordedEventAttributes().getMarkerName()).append(')');
    }
    return b.toString();
  }

  private static String since(long t0, HistoryEvent e) {
    return String.format(Locale.ROOT, "%.1f ms", (micros(e) - t0) / 1000.0);
  }

  private static long micros(HistoryEvent e) {
    return e.getEventTime().getSeconds() * 1_000_000 + e.getEventTime().getNanos() / 1_000;
  }
}
