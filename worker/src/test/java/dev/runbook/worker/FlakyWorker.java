package dev.runbook.worker;

import dev.runbook.starter.client.RunbookClient;
import dev.runbook.worker.temporal.EmbeddedTemporal;
import dev.runbook.worker.temporal.TemporalConnection;
import dev.runbook.worker.temporal.WorkerRuntime;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeWorld;
import java.time.Duration;

/**
 * The worker as {@code runbook dev} runs it (the embedded server, or the Temporal server at the
 * address given as the argument; the product's worker runtime), over activities whose deploy fails
 * twice before it works and whose target version is unknown: what its log says about failed
 * attempts is what the tests read.
 */
public final class FlakyWorker {
  private FlakyWorker() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(String[] args) throws Exception {
    FakeWorld world = new FakeWorld();
    world.fail("Service.deploy", FailureType.COMMAND_FAILED, 2);
    try (EmbeddedTemporal server = args.length > 0 ? null : EmbeddedTemporal.start(0);
        TemporalConnection conn = TemporalConnection.connect(
            server != null ? server.address() : args[0], "default", null)) {
      conn.ensureSearchAttributes();
      try (WorkerRuntime worker = WorkerRuntime.start(conn.client(), "runbook", 4, Duration.ofSeconds(1), world.activities())) {
        RunbookClient client = new RunbookClient(conn.client(), "runbook");
        client.start(request("api", null));
        client.start(request("web", "w9"));
        while (client.status("rollback-web").phase() != Phase.NEEDS_DECISION) {
          Thread.sleep(200);
        }
        client.decide("rollback-web", DecisionAction.ABORT, FakeWorld.REQUESTER, "no such version");
        Phase web = client.watch("rollback-web", Duration.ofMillis(200), s -> {}).phase();
        Phase api = client.watch("rollback-api", Duration.ofMillis(200), s -> {}).phase();
        System.out.println("finished: rollback-api " + api.label() + ", rollback-web " + web.label());
      }
    }
  }

  private static EmergencyRollbackRequest request(String service, String toVersion) {
    return new EmergencyRollbackRequest(service, Severity.P0, "errors after the last deploy", FakeWorld.REQUESTER,
        false, null, toVersion, false, null, null, Duration.ZERO, null);
  }
}
