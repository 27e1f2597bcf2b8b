package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.Secret;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RevertRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A refused login is permanent and never echoes the password; an unreachable server is retried. */
class ConnectionFailureTest {
  private static final String WRONG = "Wr0ng-But-Secret-Passw0rd";

  @TempDir Path backups;

  private DatabaseSettings with(String db, Secret password, int port, MigrationSettings migrations) {
    var pg = TestPostgres.server();
    return new DatabaseSettings(pg.host(), port, db, pg.user(), password, null, null, 2, null,
        Duration.ofMinutes(1), null, migrations, Map.of(), List.of(), null);
  }

  @Test
  void badCredentialsAreNonRetryableAndTheMessageHasNoPassword() throws IOException {
    String db = TestPostgres.freshDatabase("creds");
    Fixtures.flywayMigrate(db, "2");
    var adapter = Fixtures.adapter(with(db, Secret.of(WRONG), TestPostgres.server().port(),
        Fixtures.flyway("flyway/undo")), backups);

    List<ApplicationFailure> failures = List.of(
        failure(() -> adapter.backup(new BackupRequest(NAME, "k", false)), FailureType.BAD_CREDENTIALS),
        failure(() -> adapter.revertMigrations(new RevertRequest(NAME, "1", "k", false)), FailureType.BAD_CREDENTIALS),
        failure(() -> adapter.checkIntegrity(new IntegrityRequest(NAME, null, null, true, false)), FailureType.BAD_CREDENTIALS));

    for (ApplicationFailure f : failures) {
      assertThat(f.getOriginalMessage()).contains("user 'runbook' was refused", "databases.shop.user")
          .doesNotContain(WRONG);
      assertThat(f.toString()).doesNotContain(WRONG);
    }
    // No partial backup either: the backup stops at reading the source's identity, before any file.
    assertThat(Files.exists(backups.resolve(NAME))).isFalse();
  }

  @Test
  void pgDumpsOwnRefusalIsReadTheSameWay() {
    String db = TestPostgres.freshDatabase("creds_dump");
    var tools = new PgTools(NAME, with(db, Secret.of(WRONG), TestPostgres.server().port(), null), new CommandRunner());

    var f = failure(() -> tools.run(tools.dump(backups.resolve("d")), "pg_dump", () -> {}), FailureType.BAD_CREDENTIALS);
    var toClosedPort = new PgTools(NAME, with(db, Fixtures.password(), closedPort(), null), new CommandRunner());
    var down = failure(() -> toClosedPort.run(toClosedPort.dump(backups.resolve("e")), "pg_dump", () -> {}),
        FailureType.UNAVAILABLE);

    assertThat(f.getOriginalMessage()).doesNotContain(WRONG);
    assertThat(down.getOriginalMessage()).contains("not reachable");
  }

  @Test
  void aServerThatRefusesConnectionsIsRetryableUnavailable() {
    var adapter = Fixtures.adapter(with("shop", Fixtures.password(), closedPort(),
        Fixtures.flyway("flyway/undo")), backups);

    var backup = failure(() -> adapter.backup(new BackupRequest(NAME, "k", false)), FailureType.UNAVAILABLE);
    var revert = failure(() -> adapter.revertMigrations(new RevertRequest(NAME, "1", "k", false)), FailureType.UNAVAILABLE);
    failure(() -> adapter.restoreStaged(new StagedRestoreRequest(NAME, "nope", "r1", "k", false)), FailureType.UNKNOWN_BACKUP);

    assertThat(backup.getOriginalMessage()).contains("is not reachable", "will retry");
    assertThat(revert.isNonRetryable()).isFalse();
  }

  @Test
  void anUnknownDatabaseIsPermanent() {
    var adapter = Fixtures.adapter(with("no_such_db_here", Fixtures.password(), TestPostgres.server().port(),
        Fixtures.flyway("flyway/undo")), backups);

    var f = failure(() -> adapter.revertMigrations(new RevertRequest(NAME, "1", "k", false)), FailureType.UNKNOWN_DATABASE);
    var unconfigured = failure(() -> adapter.backup(new BackupRequest("../shop", "k", false)), FailureType.UNKNOWN_DATABASE);

    assertThat(f.getOriginalMessage()).contains("'no_such_db_here'", "does not exist", "databases.shop.database");
    assertThat(unconfigured.getOriginalMessage()).contains("not configured", "[shop]");
  }

  /** A port on 127.0.0.1 nothing listens on: connecting is refused at once. */
  private static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
