package dev.runbook.activities.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.Secret;

/** The connection pool to the audit database (the rollback log and notification deliveries). */
public final class Store {
  private Store() {}

  /** A small pool; the URL must not carry the password (it is given separately). */
  public static HikariDataSource pool(String jdbcUrl, String user, Secret password, int size) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl);
    c.setUsername(user);
    c.setPassword(password.reveal());
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(1);
    c.setPoolName("runbook-audit");
    c.setConnectionTimeout(10_000);
    c.setInitializationFailTimeout(-1);
    return new HikariDataSource(c);
  }
}
