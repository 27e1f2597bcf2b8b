package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.worker.support.ChildJvm.Result;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `runbook dev` on the Temporal CLI's dev server keeps its runs: a P1 emergency rollback waiting
 * for approval is still there after dev is stopped (SIGTERM) and started again, and after dev is
 * killed (SIGKILL, its dev server left running) and started again; it is then approved and
 * finishes. Every command in its own JVM, as a user types it.
 */
class DevRestartIT {
  @TempDir Path dir;

  @Test
  void aRunWaitingForApprovalSurvivesRestartsAndAKillOfDev() throws Exception {
    try (DevServerFixture f = new DevServerFixture(dir, "devrestart_log")) {
      String banner = f.startDev();
      Path db = f.stateDir().resolve("temporal/dev.db").toAbsolutePath().normalize();
      assertThat(banner)
          .contains("runbook dev: Temporal 127.0.0.1:" + f.temporalPort + " (Temporal dev server (SQLite " + db
              + ", survives restarts))")
          .contains("Temporal UI on " + f.ui() + "/namespaces/default/workflows")
          .contains("runs awaiting approval (Phase=\"awaiting-approval\"): " + f.ui()
              + "/namespaces/default/workflows?query=Phase%3D%22awaiting-approval%22");

      Result started = f.runbook("start", "emergency", "shop", "-s", "P1", "-r", "orders failing since v2",
          "--as", "erin", "--monitor-for", "0m");
      assertThat(started.exit()).as(started.toString()).isZero();
      Matcher run = Pattern.compile("started rollback-shop \\(run ([0-9a-f-]{36})\\)").matcher(started.out());
      assertThat(run.find()).as(started.out()).isTrue();
      String page = f.ui() + "/namespaces/default/workflows/rollback-shop/" + run.group(1) + "/history";
      assertThat(started.out()).contains("  Temporal UI: " + page);
      f.awaitPhase("rollback-shop", "awaiting-approval");
      assertThat(f.devLog()).as("dev's worker prints each run's page as it starts")
          .contains("run rollback-shop started: " + page);

      // Stopped with SIGTERM: its dev server goes with it.
      long firstServer = f.serverPid();
      f.stopDev();
      assertThat(ProcessHandle.of(firstServer).filter(ProcessHandle::isAlive)).as("dev stops its server").isEmpty();
      assertThat(f.stateDir().resolve("temporal/server.pid")).doesNotExist();

      f.startDev();
      Result afterRestart = f.runbook("status", "rollback-shop");
      assertThat(afterRestart.exit()).as(afterRestart.toString()).isZero();
      assertThat(afterRestart.out()).contains("phase: awaiting-approval")
          .contains("Temporal UI: " + f.ui() + "/namespaces/default/workflows/rollback-shop\n");

      // Killed with SIGKILL: its dev server is orphaned, and the next dev stops it before starting its own.
      long orphan = f.serverPid();
      f.dev.destroyForcibly();
      f.dev.waitFor();
      assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).as("the orphaned server").isPresent();
      f.startDev();
      assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).as("stopped by the next dev").isEmpty();
      assertThat(f.serverPid()).isNotEqualTo(orphan);
      f.awaitPhase("rollback-shop", "awaiting-approval");

      Result approved = f.runbook("approve", "rollback-shop", "--as", "alice", "--comment", "after two restarts");
      assertThat(approved.exit()).as(approved.toString()).isZero();
      Result watched = f.runbook("watch", "rollback-shop");
      assertThat(watched.exit()).as(watched.toString()).isZero();
      assertThat(watched.out()).contains("succeeded: rolled back from v2 to v1");
    }
  }
}
