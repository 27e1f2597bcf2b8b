package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.Samples.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.notify.RecordingServer.Answer;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.NotifyActivities;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.activities.NotifyActivities.NotifyResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The activity retried by Temporal itself (the in-process test server and a worker): a channel
 * that failed is sent to again, one that took the message is not.
 */
public class RetriedNotifyTest {
  private static final String QUEUE = "notify-retry-test";

  /** A workflow that only sends one notification, with the retry policy under test. */
  @WorkflowInterface
  public interface SendOnce {
    @WorkflowMethod
    NotifyResult send(Notification notification, int maxAttempts);
  }

  public static class SendOnceImpl implements SendOnce {
    @Override
    public NotifyResult send(Notification notification, int maxAttempts) {
      NotifyActivities notify = Workflow.newActivityStub(NotifyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(20))
              .setRetryOptions(RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofMillis(100))
                  .setBackoffCoefficient(1.0)
                  .setMaximumAttempts(maxAttempts)
                  .build())
              .build());
      return notify.send(notification);
    }
  }

  private HikariDataSource db;
  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    db = TestStore.fresh();
    env = TestWorkflowEnvironment.newInstance();
  }

  @AfterEach
  void stop() {
    env.close();
    db.close();
  }

  private SendOnce workflowSending(Map<String, ChannelSettings> channels) {
    NotifySettings settings = new NotifySettings(channels,
        new Routing(Routing.Route.of(List.copyOf(channels.keySet())), null, null));
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(SendOnceImpl.class);
    worker.registerActivitiesImplementations(
        new NotifyActivitiesImpl(settings, new JdbcDeliveryLog(db)));
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    return client.newWorkflowStub(SendOnce.class, WorkflowOptions.newBuilder()
        .setTaskQueue(QUEUE)
        .setWorkflowId("rollback-api")
        .build());
  }

  private int deliveryRows() throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from notification_deliveries")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aWebhookAnswering500TwiceThen200GetsTheMessageOnceAndItIsRecordedOnce()
      throws Exception {
    try (RecordingServer hook = RecordingServer.start("/hook",
        new Answer(500, "oops"), new Answer(500, "oops"), new Answer(200, "{}"))) {
      Map<String, ChannelSettings> channels = new LinkedHashMap<>();
      channels.put("pager", ChannelSettings.webhook(hook.url("/hook"), null));

      NotifyResult result = workflowSending(channels).send(started("rollback-api/started"), 5);

      assertThat(result.deliveredTo()).containsExactly("pager");
      assertThat(hook.received()).hasSize(3);
      assertThat(hook.answeredWith(200)).hasSize(1);
      assertThat(hook.received())
          .allMatch(r -> r.header("Idempotency-Key").equals("rollback-api/started"));
      assertThat(deliveryRows()).isEqualTo(1);
    }
  }

  @Test
  void withOneChannelBrokenTheGoodOneGetsTheMessageOnceOverThreeAttempts() throws Exception {
    try (RecordingServer good = RecordingServer.answering("/good", 200, "{}");
        RecordingServer broken = RecordingServer.answering("/broken", 502, "bad gateway")) {
      Map<String, ChannelSettings> channels = new LinkedHashMap<>();
      channels.put("good", ChannelSettings.webhook(good.url("/good"), null));
      channels.put("broken", ChannelSettings.webhook(broken.url("/broken"), null));
      SendOnce workflow = workflowSending(channels);

      assertThatThrownBy(() -> workflow.send(started("rollback-api/started"), 3))
          .isInstanceOf(WorkflowFailedException.class)
          .cause().isInstanceOf(ActivityFailure.class)
          .cause().isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.getType()).isEqualTo("UNAVAILABLE");
            assertThat(f.getOriginalMessage()).contains("channel 'broken' (webhook): the"
                + " receiver answered 502 bad gateway");
          });
      assertThat(broken.received()).hasSize(3);
      assertThat(good.received()).hasSize(1);
      assertThat(deliveryRows()).isEqualTo(1);
    }
  }
}
