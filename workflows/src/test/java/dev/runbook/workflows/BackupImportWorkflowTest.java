package dev.runbook.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.BackupImportRequest;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

/** The import as a workflow: one activity, its result or its refusal handed back as it came. */
class BackupImportWorkflowTest extends WorkflowTest {

  @Test
  void anImportRunsTheActivityOnceAsThePersonAndTheSameFileAgainIsTheSameBackup() {
    world.databases.get("api").files.put("/backups/db.sql.gz", 3);
    var request = new BackupImportRequest("api", "/backups/db.sql.gz", "erin");

    ImportResult first = Runs.importBackup(client, queue, request).getResult(ImportResult.class);
    ImportResult again = Runs.importBackup(client, queue, request).getResult(ImportResult.class);

    assertThat(first.backupId()).startsWith("import-").isEqualTo(again.backupId());
    assertThat(first.reused()).isFalse();
    assertThat(again.reused()).isTrue();
    assertThat(first.importedBy()).isEqualTo("erin");
    assertThat(world.calls("Database.importBackup"))
        .containsExactly("Database.importBackup api /backups/db.sql.gz by erin",
            "Database.importBackup api /backups/db.sql.gz by erin");
    assertThat(request.workflowId()).startsWith("import-api-").hasSize("import-api-".length() + 16);
  }

  @Test
  void aRefusedFileEndsTheImportFailedWithTheActivitysTypeAndMessage() {
    Throwable t = catchThrowable(() -> Runs.importBackup(client, queue,
        new BackupImportRequest("api", "/backups/none.sql", "erin")).getResult(ImportResult.class));

    assertThat(t).isInstanceOf(WorkflowFailedException.class);
    assertThat(t.getCause()).isInstanceOf(ActivityFailure.class);
    ApplicationFailure cause = (ApplicationFailure) t.getCause().getCause();
    assertThat(cause.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(cause.getOriginalMessage()).contains("there is no /backups/none.sql");
    assertThat(world.calls("Database.importBackup")).hasSize(1);
  }
}
