package dev.runbook.bench.approve;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import org.junit.jupiter.api.Test;

class UpdateTimelineTest {
  private static HistoryEvent event(long id, EventType type, long micros) {
    return HistoryEvent.newBuilder().setEventId(id).setEventType(type)
        .setEventTime(Timestamp.newBuilder().setSeconds(100 + micros / 1_000_000).setNanos((int) (micros % 1_000_000) * 1000))
        .build();
  }

  private static HistoryEvent scheduled(long id, String activity, long micros) {
    return event(id, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, micros).toBuilder()
        .setActivityTaskScheduledEventAttributes(ActivityTaskScheduledEventAttributes.newBuilder()
            .setActivityType(ActivityType.newBuilder().setName(activity)))
        .build();
  }

  private static HistoryEvent started(long id, long scheduledId, long micros) {
    return event(id, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, micros).toBuilder()
        .setActivityTaskStartedEventAttributes(ActivityTaskStartedEventAttributes.newBuilder()
            .setScheduledEventId(scheduledId))
        .build();
  }

  @Test
  void fromTheTaskThatTookTheUpdateToTheNextStepsStartInMillisecondsFromItsScheduling() {
    History history = History.newBuilder()
        .addEvents(event(1, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 0))
        .addEvents(event(2, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, 1_000))
        .addEvents(event(3, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, 38_700))
        .addEvents(event(4, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 49_100))
        .addEvents(event(5, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, 49_200))
        .addEvents(scheduled(6, "AuditRecord", 49_800))
        .addEvents(scheduled(7, "ServiceDeploy", 49_800))
        .addEvents(event(8, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, 55_900))
        .addEvents(event(9, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, 56_000))
        .addEvents(event(10, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 60_000))
        .addEvents(event(11, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 61_000))
        .addEvents(started(12, 7, 50_300))
        .build();

    assertThat(UpdateTimeline.of(history, "ServiceDeploy")).isEqualTo("WorkflowTaskScheduled +0.0 ms,"
        + " WorkflowTaskStarted +37.7 ms, WorkflowTaskCompleted +48.1 ms, WorkflowExecutionUpdateAccepted +48.2 ms,"
        + " ActivityTaskScheduled (AuditRecord) +48.8 ms, ActivityTaskScheduled (ServiceDeploy) +48.8 ms,"
        + " WorkflowTaskScheduled +54.9 ms, WorkflowTaskStarted +55.0 ms, WorkflowTaskCompleted +59.0 ms,"
        + " ServiceDeploy started +49.3 ms");
  }

  @Test
  void aHistoryWithoutAnUpdateSaysSo() {
    History history = History.newBuilder().addEvents(event(1, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 0)).build();
    assertThat(UpdateTimeline.of(history, "ServiceDeploy")).isEqualTo("no update in the history");
  }
}
