package dev.runbook.activities.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.support.TestStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The one-time link record in a real PostgreSQL rollback log (migration V14). */
class ConsoleLinkStoreTest {
  private static final Instant FIRST = Instant.parse("2026-11-27T07:00:00Z");

  @Test
  void aLinkOpensOnceAndALaterOpeningReadsWhenTheFirstWas() {
    try (HikariDataSource audit = TestStore.fresh()) {
      ConsoleLinkStore store = new ConsoleLinkStore(audit);

      assertThat(store.use("nonce-1", "rollback-api", "alice", FIRST)).isEmpty();
      assertThat(store.use("nonce-1", "rollback-api", "alice", FIRST.plusSeconds(60))).contains(FIRST);
      assertThat(store.use("nonce-1", "rollback-api", "alice", FIRST.plusSeconds(90))).contains(FIRST);
      assertThat(store.use("nonce-2", "rollback-api", "alice", FIRST.plusSeconds(5))).isEmpty();
    }
  }

  @Test
  void twoServersOpeningTheSameLinkAtOnceRecordOneUse() throws Exception {
    try (HikariDataSource audit = TestStore.fresh()) {
      ConsoleLinkStore store = new ConsoleLinkStore(audit);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Callable<Optional<Instant>>> tries = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          Instant at = FIRST.plus(i, ChronoUnit.MILLIS);
          tries.add(() -> store.use("raced", "rollback-web", "bob", at));
        }
        long firsts = 0;
        for (Future<Optional<Instant>> f : pool.invokeAll(tries)) {
          firsts += f.get().isEmpty() ? 1 : 0;
        }
        assertThat(firsts).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
