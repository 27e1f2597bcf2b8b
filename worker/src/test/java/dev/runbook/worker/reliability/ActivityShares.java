package dev.runbook.worker.reliability;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The activities of a run and its child workflows as their histories tell them: which worker
 * started each (ActivityTaskStarted carries the worker's identity), at which attempt, and when.
 */
record ActivityShares(List<Started> activities) {
  /** One activity: its type, the worker (identity up to the '/'), its last attempt, when that attempt started. */
  record Started(String workflowId, String type, String worker, int attempt, Instant at) {}

  static ActivityShares of(WorkflowClient client, String workflowId) {
    List<Started> out = new ArrayList<>();
    collect(client, workflowId, out);
    return new ActivityShares(out);
  }

  private static void collect(WorkflowClient client, String workflowId, List<Started> out) {
    Map<Long, String> types = new HashMap<>();
    for (HistoryEvent e : client.fetchHistory(workflowId).getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        types.put(e.getEventId(), e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        var a = e.getActivityTaskStartedEventAttributes();
        String identity = a.getIdentity();
        out.add(new Started(workflowId, types.get(a.getScheduledEventId()),
            identity.contains("/") ? identity.substring(0, identity.indexOf('/')) : identity, a.getAttempt(),
            Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos())));
      } else if (e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
        collect(client, e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution().getWorkflowId(), out);
      }
    }
  }

  /** Activities per worker, e.g. {worker-1=7, worker-2=5}. */
  Map<String, Integer> perWorker() {
    Map<String, Integer> n = new TreeMap<>();
    activities.forEach(a -> n.merge(a.worker(), 1, Integer::sum));
    return n;
  }

  int maxAttempt() {
    return activities.stream().mapToInt(Started::attempt).max().orElse(0);
  }

  /** Attempts per activity type where any took more than one, e.g. {Deploy=2}. */
  Map<String, Integer> retried() {
    Map<String, Integer> n = new TreeMap<>();
    activities.stream().filter(a -> a.attempt() > 1).forEach(a -> n.merge(a.type(), a.attempt(), Math::max));
    return n;
  }
}
