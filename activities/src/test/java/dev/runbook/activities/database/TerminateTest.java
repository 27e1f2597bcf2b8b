package dev.runbook.activities.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ending a database's sessions before a rename or a drop: none is left when it returns, and ours is kept. */
class TerminateTest {
  @Test
  void everyOtherSessionIsGoneWhenItReturnsAndAgainWhenThereIsNone() throws Exception {
    String db = TestPostgres.freshDatabase("terminate");
    List<Connection> apps = new ArrayList<>();
    try (Connection ours = TestPostgres.connect(db)) {
      for (int i = 0; i < 4; i++) {
        apps.add(TestPostgres.connect(db));
      }
      assertThat(PgClient.sessions(ours, db)).isEqualTo(4);

      PgClient.terminate(ours, db);

      assertThat(PgClient.sessions(ours, db)).isZero();
      for (Connection app : apps) {
        assertThat(app.isValid(2)).as("an application session was ended").isFalse();
      }
      assertThat(ours.isValid(2)).as("the session that ended them").isTrue();

      PgClient.terminate(ours, db);
      assertThat(PgClient.sessions(ours, db)).isZero();
      assertThat(ours.isValid(2)).isTrue();
    } finally {
      for (Connection app : apps) {
        app.close();
      }
    }
  }
}
