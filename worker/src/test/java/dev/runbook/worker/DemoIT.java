package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import dev.runbook.worker.support.ChildJvm;
import dev.runbook.worker.support.ChildJvm.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `runbook demo`, in its own JVM and working directory, as a new user runs it. */
class DemoIT {
  @TempDir Path dir;

  @Test
  void theDemoRollsBackAndPassesItsOwnChecks() throws IOException {
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    var pg = TestPostgres.server();
    ProcessBuilder pb = new ProcessBuilder(ChildJvm.runbook("demo")).directory(dir.toFile());
    Result r = run(pb, Map.of(AuditDatabase.ENV_URL,
        "postgresql://" + pg.user() + ":" + pg.password().reveal() + "@" + pg.host() + ":" + pg.port() + "/demo_log"));

    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("erin tries to approve her own run:")
        .contains("refused (SELF_APPROVAL)")
        .contains("approved by alice")
        .contains("Revert shop to schema 2")
        .contains("the rollback log (./runbook log):")
        .containsPattern("shop +v2 +v1 +\\S+ +succeeded")
        .contains("demo passed");
    assertThat(r.out() + r.err()).doesNotContain(pg.password().reveal());
  }

  private static Result run(ProcessBuilder pb, Map<String, String> env) throws IOException {
    Path out = Files.createTempFile("demo-out", ".txt");
    Path err = Files.createTempFile("demo-err", ".txt");
    pb.environment().putAll(env);
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(Duration.ofMinutes(3).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the demo did not finish in 3 minutes:\n" + Files.readString(out));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
