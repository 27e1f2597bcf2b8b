package dev.runbook.activities.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BesideTest {
  @Test
  void theCallRunsOnAnotherThreadWhileTheCallerWorks() throws Exception {
    CountDownLatch callerWorked = new CountDownLatch(1);
    AtomicReference<String> ranOn = new AtomicReference<>();
    try (Beside<String> beside = Beside.start("side", () -> {
      ranOn.set(Thread.currentThread().getName());
      try {
        // Finishes only once the caller did its own work: the two overlap.
        assertThat(callerWorked.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        throw new SQLException(e);
      }
      return "staged";
    })) {
      callerWorked.countDown();
      assertThat(beside.join()).isEqualTo("staged");
    }
    assertThat(ranOn.get()).isEqualTo("runbook-beside: side").isNotEqualTo(Thread.currentThread().getName());
  }

  @Test
  void whatTheCallThrowsIsThrownByJoin() {
    SQLException refused = new SQLException("relation \"orders\" does not exist", "42P01");
    try (Beside<String> beside = Beside.start("side", () -> {
      throw refused;
    })) {
      assertThatThrownBy(beside::join).isSameAs(refused);
    }
    try (Beside<String> beside = Beside.start("side", () -> {
      throw new IllegalStateException("broken");
    })) {
      assertThatThrownBy(beside::join).isInstanceOf(IllegalStateException.class).hasMessage("broken");
    }
  }

  @Test
  void closeWaitsForTheCallSoItsSessionIsNotClosedUnderIt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    Beside<String> beside = Beside.start("side", () -> {
      started.countDown();
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        throw new SQLException(e);
      }
      finished.set(true);
      return "late";
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    beside.close();
    assertThat(finished).isTrue();
  }

  @Test
  void aNullCallIsDoneAtOnceWithNothing() throws Exception {
    try (Beside<String> beside = Beside.start("absent", null)) {
      assertThat(beside.join()).isNull();
    }
  }
}
