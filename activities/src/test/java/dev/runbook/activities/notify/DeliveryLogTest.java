package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.Samples.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.support.TestStore;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class DeliveryLogTest {
  /** What both logs must do: remember per key and channel, and take a repeat quietly. */
  private static void remembersEachChannelPerKey(DeliveryLog log) {
    assertThat(log.deliveredChannels("k1")).isEmpty();
    log.recordDelivery("k1", "ops");
    log.recordDelivery("k1", "ops");
    log.recordDelivery("k1", "pager");
    log.recordDelivery("k2", "ops");
    assertThat(log.deliveredChannels("k1")).containsExactlyInAnyOrder("ops", "pager");
    assertThat(log.deliveredChannels("k2")).containsExactly("ops");
    assertThat(log.deliveredChannels("k3")).isEmpty();
  }

  @Test
  void thePostgresLogRemembersEachChannelPerKeyAndTakesARepeatQuietly() {
    try (HikariDataSource db = TestStore.fresh()) {
      remembersEachChannelPerKey(new JdbcDeliveryLog(db));
      assertThat(new JdbcDeliveryLog(db).deliveredChannels("k1"))
          .as("a second worker sees the same log").containsExactlyInAnyOrder("ops", "pager");
    }
  }

  @Test
  void theInMemoryLogDoesTheSameWithinOneProcess() {
    remembersEachChannelPerKey(new InMemoryDeliveryLog());
  }

  @Test
  void consoleOnlyDevModeRunsWithoutADatabaseAndPrintsOnce() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NotifyActivitiesImpl notifier = new NotifyActivitiesImpl(NotifySettings.console(),
        new InMemoryDeliveryLog(), new PrintStream(out, true, StandardCharsets.UTF_8),
        JsonPost.defaultClient());

    notifier.send(started("rollback-api/started"));
    var second = notifier.send(started("rollback-api/started"));

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).startsWith("=== ROLLBACK IN PROGRESS: api (P1) ===\n")
        .contains("Who: alice", "Why: error rate 12% after deploy 1.4.0", "ETA: 10m");
    assertThat(printed.split("=== ROLLBACK IN PROGRESS", -1)).hasSize(2);
    assertThat(second.skipped()).containsExactly("console");
  }

  @Test
  void anUnreachableLogFailsRetryablyBeforeAnythingIsSent() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    PGSimpleDataSource dead = new PGSimpleDataSource();
    dead.setUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/audit");
    dead.setConnectTimeout(2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NotifyActivitiesImpl notifier = new NotifyActivitiesImpl(
        new NotifySettings(Map.of("local", ChannelSettings.console()),
            new Routing(Routing.Route.of(List.of("local")), null, null)),
        new JdbcDeliveryLog(dead), new PrintStream(out, true, StandardCharsets.UTF_8),
        JsonPost.defaultClient());

    assertThatThrownBy(() -> notifier.send(started("k")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getType()).isEqualTo("UNAVAILABLE");
          assertThat(f.getOriginalMessage())
              .contains("could not read the notification delivery log", "audit.jdbcUrl");
        });
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
