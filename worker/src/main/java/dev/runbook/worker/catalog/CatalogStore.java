package dev.runbook.worker.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Workers' catalogs in the rollback log's database (table {@code worker_catalogs}): each worker
 * publishes what it runs when it starts; the API server reads the newest one for its task queue.
 */
public final class CatalogStore {
  private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final DataSource dataSource;
  private final Clock clock;

  public CatalogStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Publishes (or replaces) this worker's catalog; safe to repeat. */
  public void publish(Catalog catalog, String worker) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "insert into worker_catalogs (task_queue, worker, fingerprint, source, catalog, published_at)"
                + " values (?,?,?,?,?::jsonb,?) on conflict (task_queue, worker) do update set"
                + " fingerprint = excluded.fingerprint, source = excluded.source, catalog = excluded.catalog,"
                + " published_at = excluded.published_at")) {
      ps.setString(1, catalog.taskQueue());
      ps.setString(2, worker);
      ps.setString(3, catalog.fingerprint());
      ps.setString(4, catalog.source());
      ps.setString(5, JSON.writeValueAsString(catalog));
      ps.setTimestamp(6, Timestamp.from(clock.instant()));
      ps.executeUpdate();
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot publish the worker's catalog: " + e.getMessage(), e);
    }
  }

  /** The catalog the newest worker of this task queue published, if any did. */
  public Optional<Catalog> current(String taskQueue) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select catalog from worker_catalogs where task_queue = ? order by published_at desc limit 1")) {
      ps.setString(1, taskQueue);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(JSON.readValue(rs.getString(1), Catalog.class)) : Optional.empty();
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot read the workers' catalog: " + e.getMessage(), e);
    }
  }

  /** This process, as a worker name: host and process ID. */
  public static String thisWorker() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return host + "/" + ProcessHandle.current().pid();
  }
}
