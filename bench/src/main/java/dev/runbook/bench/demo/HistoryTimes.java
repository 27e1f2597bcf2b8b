package dev.runbook.bench.demo;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a run's time goes by Temporal's own history: for each activity type, how many ran and
 * how long from scheduled to closed in all; and the workflow tasks (scheduled to completed).
 */
final class HistoryTimes {
  private HistoryTimes() {}

  /** Adds one run's totals to {@code parts}, per type: how many, and their seconds in all. */
  static void add(WorkflowClient client, String workflowId, Breakdown parts) {
    Map<Long, String> types = new HashMap<>();
    Map<Long, Instant> scheduled = new HashMap<>();
    Map<String, Double> seconds = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    for (HistoryEvent e : client.fetchHistory(workflowId).getEvents()) {
      Instant t = Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
      EventType type = e.getEventType();
      if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        types.put(e.getEventId(), e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
        scheduled.put(e.getEventId(), t);
      } else if (type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) {
        types.put(e.getEventId(), "workflow tasks");
        scheduled.put(e.getEventId(), t);
      } else {
        long from = switch (type) {
          case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
          case EVENT_TYPE_ACTIVITY_TASK_FAILED -> e.getActivityTaskFailedEventAttributes().getScheduledEventId();
          case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> e.getActivityTaskTimedOutEventAttributes().getScheduledEventId();
          case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> e.getWorkflowTaskCompletedEventAttributes().getScheduledEventId();
          case EVENT_TYPE_WORKFLOW_TASK_FAILED -> e.getWorkflowTaskFailedEventAttributes().getScheduledEventId();
          default -> -1;
        };
        if (from > 0 && scheduled.containsKey(from)) {
          String name = types.get(from);
          seconds.merge(name, Duration.between(scheduled.get(from), t).toNanos() / 1e9, Double::sum);
          counts.merge(name, 1, Integer::sum);
        }
      }
    }
    seconds.forEach((name, s) -> parts.add(name, s, counts.get(name)));
  }
}
