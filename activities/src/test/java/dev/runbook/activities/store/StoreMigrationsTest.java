package dev.runbook.activities.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreMigrationsTest {
  @Test
  void createsTheRollbackLogTablesAndIsSafeToRunAgain() throws Exception {
    try (var ds = TestStore.fresh()) {
      var again = StoreMigrations.migrate(ds);
      assertThat(again.migrationsExecuted).isZero();
      List<String> tables = new ArrayList<>();
      try (Connection c = ds.getConnection();
          ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME"));
        }
      }
      assertThat(tables)
          .contains("runs", "run_events", "steps", "approvals", "decisions",
              "notification_deliveries", "backups", StoreMigrations.HISTORY_TABLE);
    }
  }
}
