package dev.runbook.activities.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class LocalPostgresTest {
  @Test
  void startsARealServerWithPasswordAuthOnLoopback() throws Exception {
    LocalPostgres pg = TestPostgres.server();
    String db = TestPostgres.freshDatabase("lp");
    try (Connection c = pg.connect(db);
        ResultSet rs = c.createStatement().executeQuery(
            "select current_setting('listen_addresses'), current_user, version()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
      assertThat(rs.getString(2)).isEqualTo(LocalPostgres.SUPERUSER);
      assertThat(rs.getString(3)).startsWith("PostgreSQL");
    }
    assertThat(pg.running()).isTrue();
  }

  @Test
  void refusesAWrongPassword() {
    LocalPostgres pg = TestPostgres.server();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> java.sql.DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), "wrong"))
        .hasMessageContaining("password authentication failed");
  }
}
