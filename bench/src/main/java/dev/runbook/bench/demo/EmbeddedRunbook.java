package dev.runbook.bench.demo;

import dev.runbook.activities.audit.RollbackLogStore;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.worker.AuditDatabase;
import dev.runbook.worker.Settings;
import dev.runbook.worker.Wiring;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.metrics.Metrics;
import dev.runbook.worker.temporal.EmbeddedTemporal;
import dev.runbook.worker.temporal.TemporalConnection;
import dev.runbook.worker.temporal.WorkerRuntime;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.Severity;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The product as {@code ./runbook demo} runs it: the embedded Temporal server (the Java test
 * server, in this JVM), a worker with the product's activities, and the client, wired as the
 * demo's stack wires them.
 */
final class EmbeddedRunbook implements AutoCloseable {
  private final SampleShop shop;
  private final AuditDatabase audit;
  private final EmbeddedTemporal server;
  private final TemporalConnection connection;
  private final WorkerRuntime worker;
  private final RunbookClient client;

  EmbeddedRunbook(SampleShop shop) {
    this.shop = shop;
    Settings s = shop.settings;
    var t = s.config().temporal();
    this.audit = AuditDatabase.open(new AuditDatabase.Server(shop.pg.host(), shop.pg.port(), shop.pg.user(),
        shop.pg.password(), TestPostgres.freshDatabase("bench_demo_log")));
    this.server = EmbeddedTemporal.start(0);
    this.connection = TemporalConnection.connect(server.address(), t.namespace(), null);
    connection.ensureSearchAttributes();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    this.worker = WorkerRuntime.start(connection.client(), t.taskQueue(), s.config().worker().maxConcurrentActivities(),
        s.config().worker().shutdownGrace(), Wiring.activities(s, audit, new Metrics(), quiet, connection.client(), null));
    this.client = new RunbookClient(connection.client(), t.taskQueue());
  }

  /**
   * A P0 emergency rollback of the sample service with its database, no monitoring: from the
   * start request to the run's end.
   *
   * @return seconds
   */
  double rollback(Breakdown parts, Breakdown history) {
    java.time.Instant start = java.time.Instant.now();
    long t0 = System.nanoTime();
    var started = client.start(new EmergencyRollbackRequest(Demo.SERVICE, Severity.P0,
        "bench: orders failing since v2", "erin", false, "BENCH-1", null, true, null, null, Duration.ZERO, null));
    try {
      connection.client().newUntypedWorkflowStub(started.workflowId())
          .getResult(5, TimeUnit.MINUTES, EmergencyRollbackResult.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the rollback did not end in 5 minutes", e);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    java.time.Instant end = java.time.Instant.now();
    var status = client.status(started.workflowId());
    parts.addRun(start, end, status);
    HistoryTimes.add(connection.client(), started.workflowId(), history);
    List<String> failures = shop.demo.check(shop.setup, shop.password,
        new Demo.Outcome(started.runId(), status), new RollbackLogStore(audit.dataSource()));
    if (!failures.isEmpty()) {
      throw new IllegalStateException("the product's rollback did not do what the demo promises: " + failures);
    }
    return seconds;
  }

  @Override
  public void close() {
    worker.close();
    connection.close();
    server.close();
    audit.close();
  }
}
