package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.workflows.activities.RetentionActivities.Leftover;
import dev.runbook.workflows.model.BackupJobResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/v1/backups} and {@code POST /api/v1/backups/prune} on the real server: a backup
 * run of its own for the token's person, retention that answers with what went (or, as a dry
 * run, what would), and bad bodies refused before anything starts.
 */
class ApiBackupJobsTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private ApiHarness api;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  @Test
  void aBackupStartsARunOfItsOwnForTheTokensPerson() {
    var r = api.post("/api/v1/backups", "erin", "{\"database\": \"api\", \"reason\": \"before the 2.6 migration\"}");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().path("workflowId").asText();
    assertThat(id).matches("backup-api-[0-9a-f]{8}");
    assertThat(r.header("Location")).isEqualTo("/api/v1/runs/" + id);
    assertThat(r.json().path("statusUrl").asText()).isEqualTo("/api/v1/runs/" + id);
    BackupJobResult done = api.runbooks.temporal().newUntypedWorkflowStub(id).getResult(BackupJobResult.class);
    assertThat(done.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(api.world.databases.get("api").backups).containsKey(done.backupId());

    RunStatus s = api.status(id);
    assertThat(s.runbook()).isEqualTo(RunbookType.BACKUP);
    assertThat(s.requestedBy()).isEqualTo("erin");
    assertThat(s.reason()).isEqualTo("before the 2.6 migration");
    var shown = api.get("/api/v1/runs/" + id, "dave");
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.json().path("runbook").asText()).isEqualTo("backup");

    // Two backups of one database never clash.
    var again = api.post("/api/v1/backups", "erin", "{\"database\": \"api\"}");
    assertThat(again.status()).as(again.body()).isEqualTo(201);
    assertThat(again.json().path("workflowId").asText()).isNotEqualTo(id);
  }

  @Test
  void aBadBackupRequestStartsNothingAndSaysWhatToFix() {
    var noDatabase = api.post("/api/v1/backups", "erin", "{}");
    var badName = api.post("/api/v1/backups", "erin", "{\"database\": \"Shop DB\"}");
    var someoneElse = api.post("/api/v1/backups", "erin", "{\"database\": \"api\", \"requestedBy\": \"alice\"}");
    var notAStarter = api.post("/api/v1/backups", "carol", "{\"database\": \"api\"}");
    var anonymous = api.post("/api/v1/backups", null, "{\"database\": \"api\"}");

    assertThat(noDatabase.status()).isEqualTo(400);
    assertThat(noDatabase.message()).contains("database is required");
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.message()).contains("database 'Shop DB' is not a valid name");
    assertThat(someoneElse.status()).isEqualTo(400);
    assertThat(someoneElse.message()).contains("requestedBy");
    assertThat(notAStarter.status()).isEqualTo(403);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(api.world.calls()).isEmpty();
  }

  @Test
  void aDryRunPruneListsWhatWouldGoAndARealOneRemovesIt() {
    api.world.retention.expired(Leftover.SAFETY_COPY, "api", "api__before_1a2b3c4d", "kept 7d; swapped out 9d ago");
    api.world.retention.kept(Leftover.SAFETY_COPY, "api", "api__before_9f8e7d6c",
        "the newest safety copy is always kept");

    var dry = api.post("/api/v1/backups/prune", "erin", "{\"database\": \"api\", \"dryRun\": true}");
    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    JsonNode d = dry.json();
    assertThat(d.path("workflowId").asText()).matches("cleanup-api-[0-9a-f]{8}");
    assertThat(d.path("dryRun").asBoolean()).isTrue();
    assertThat(d.path("outcome").asText()).isEqualTo("succeeded");
    assertThat(names(d.path("removed"))).containsExactly("api__before_1a2b3c4d");
    assertThat(d.path("removed").get(0).path("kind").asText()).isEqualTo("SAFETY_COPY");
    assertThat(d.path("removed").get(0).path("why").asText()).isEqualTo("kept 7d; swapped out 9d ago");
    assertThat(names(d.path("kept"))).containsExactly("api__before_9f8e7d6c");
    assertThat(api.world.retention.present()).hasSize(2);

    var real = api.post("/api/v1/backups/prune", "erin", "{\"database\": \"api\"}");
    assertThat(real.status()).as(real.body()).isEqualTo(200);
    assertThat(real.json().path("dryRun").asBoolean()).isFalse();
    assertThat(names(real.json().path("removed"))).containsExactly("api__before_1a2b3c4d");
    assertThat(real.json().path("message").asText()).isEqualTo("removed 1 safety copy; kept 1 on purpose"
        + " (api__before_9f8e7d6c: the newest safety copy is always kept)");
    assertThat(api.world.retention.present()).extracting(i -> i.name()).containsExactly("api__before_9f8e7d6c");

    var everything = api.post("/api/v1/backups/prune", "erin", "{\"dryRun\": true}");
    assertThat(everything.json().path("workflowId").asText()).matches("cleanup-[0-9a-f]{8}");
    var unknownField = api.post("/api/v1/backups/prune", "erin", "{\"database\": \"api\", \"force\": true}");
    assertThat(unknownField.status()).isEqualTo(400);
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.forEach(n -> names.add(n.path("name").asText()));
    return names;
  }
}
