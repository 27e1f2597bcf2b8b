package dev.runbook.workflows.testing;

import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A time-skipping test server with every runbook registered and a fresh {@link FakeWorld} behind
 * its activities; every run a test starts is replayed and recorded afterwards.
 */
public abstract class WorkflowTest {
  @RegisterExtension protected static final TestWorkflowExtension env = Runs.extension();
  @RegisterExtension protected final RecordHistories histories = new RecordHistories();

  protected FakeWorld world;
  protected TestWorkflowEnvironment testEnv;
  protected WorkflowClient client;
  protected String queue;

  @BeforeEach
  void startWorld(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) {
    this.world = new FakeWorld();
    this.testEnv = testEnv;
    this.client = client;
    this.queue = worker.getTaskQueue();
    worker.registerActivitiesImplementations(activities());
    testEnv.start();
  }

  /** The activities the worker runs: the fakes, or some of them beside real ones. */
  protected Object[] activities() {
    return world.activities();
  }
}
