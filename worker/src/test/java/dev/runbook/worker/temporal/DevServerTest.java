package dev.runbook.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.engine.RunbookSearchAttributes;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev server's command line, its ports, and what happens to one a killed dev left behind. */
class DevServerTest {
  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theCommandLineBindsLoopbackKeepsStateInTheFileAndRegistersEverySearchAttribute() {
    List<String> a = DevServer.args(Path.of("/opt/temporal"), Path.of("/s/temporal/dev.db"), 7300, 8300, "default");
    assertThat(String.join(" ", a)).startsWith("/opt/temporal server start-dev --db-filename /s/temporal/dev.db"
        + " --ip 127.0.0.1 --port 7300 --ui-ip 127.0.0.1 --ui-port 8300 --log-level warn");
    assertThat(a).doesNotContain("--namespace");
    List<String> attributes = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).equals("--search-attribute")) {
        attributes.add(a.get(i + 1));
      }
    }
    assertThat(attributes).containsExactlyInAnyOrder(
        "RunbookType=Keyword", "Severity=Keyword", "Service=KeywordList", "Phase=Keyword");
    assertThat(attributes).hasSize(RunbookSearchAttributes.ALL.size());
    assertThat(DevServer.args(Path.of("t"), Path.of("d"), 1, 2, "payments"))
        .containsSequence("--namespace", "payments");
  }

  @Test
  void aTakenPortIsNamedWithTheKeyToChange() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> DevServer.start(Path.of("/bin/false"), dir, 0, port, "default",
          java.time.Duration.ofSeconds(5)))
          .hasMessage("port " + port + " is in use, so the Temporal dev server cannot start: stop what holds it"
              + " (another `runbook dev`? `temporal server start-dev`?) or set temporal.uiPort in the config to a"
              + " free port");
      assertThatThrownBy(() -> DevServer.ensureFree(port, "temporal.embeddedPort"))
          .hasMessageContaining("port " + port + " is in use").hasMessageContaining("set temporal.embeddedPort");
    }
  }

  @Test
  void aServerThatExitsAtOnceIsReportedWithItsLog() throws Exception {
    Path fake = dir.resolve("temporal");
    Files.writeString(fake, "#!/bin/sh\necho 'bad flag: --frobnicate' >&2\nexit 3\n");
    Files.setPosixFilePermissions(fake, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    assertThatThrownBy(() -> DevServer.start(fake, dir.resolve("state"), 0, 0, "default",
        java.time.Duration.ofSeconds(20)))
        .hasMessageContaining("the Temporal dev server exited with 3 before it was ready: see "
            + dir.resolve("state/server.log"))
        .hasMessageContaining("bad flag: --frobnicate");
    assertThat(dir.resolve("state/server.pid")).doesNotExist();
  }

  @Test
  void aPortTakenWhileTheServerStartedIsNamedWithItsSettingNotAGoStackTrace() throws Exception {
    Path fake = dir.resolve("temporal");
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    Files.writeString(DevServer.log(state), "time=earlier level=ERROR msg=\"Failed to start gRPC listener\" error=\"listen"
        + " tcp 127.0.0.1:1: bind: address already in use\"\n"); // an earlier start's trouble, not this one's
    // what the real dev server printed when a second `runbook dev` bound its port first (seen by hand)
    Files.writeString(fake, "#!/bin/sh\nwhile [ \"$1\" != --port ]; do shift; done\n"
        + "echo \"time=now level=ERROR msg=\\\"Failed to start gRPC listener\\\" error=\\\"listen tcp 127.0.0.1:$2: bind:"
        + " address already in use\\\" service=frontend\"\n"
        + "echo 'panic: runtime error: invalid memory address or nil pointer dereference'\n"
        + "echo 'goroutine 1 [running]:'\nexit 2\n");
    Files.setPosixFilePermissions(fake, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    int chosen = port;

    assertThatThrownBy(() -> DevServer.start(fake, state, chosen, 0, "default", java.time.Duration.ofSeconds(20)))
        .hasMessage("port " + chosen + " was taken by another process while the Temporal dev server started (another"
            + " `runbook dev` or `temporal server start-dev` starting at the same time?): start again, or set"
            + " temporal.embeddedPort in the config to a free port; see " + DevServer.log(state.toAbsolutePath()));
  }

  @Test
  void anExitIsShownWithThisStartsLinesOnly() throws Exception {
    Path fake = dir.resolve("temporal");
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    Files.writeString(DevServer.log(state), "an earlier start's last words\n");
    Files.writeString(fake, "#!/bin/sh\necho 'this start: bad flag'\nexit 3\n");
    Files.setPosixFilePermissions(fake, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

    assertThatThrownBy(() -> DevServer.start(fake, state, 0, 0, "default", java.time.Duration.ofSeconds(20)))
        .hasMessageEndingWith("; its last lines:\n  this start: bad flag");
  }

  /** A process whose arguments say it serves {@code db}, as the real server's do. */
  private Process fakeServer(Path db) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 60; true", "temporal", "--db-filename", db.toString())
        .start();
    started.add(p);
    return p;
  }

  @Test
  void aServerLeftByAKilledDevIsStopped() throws Exception {
    Path state = dir.resolve("temporal");
    Files.createDirectories(state);
    Process orphan = fakeServer(DevServer.database(state));
    Process deadOwner = new ProcessBuilder("true").start();
    deadOwner.waitFor();
    Files.writeString(state.resolve("server.pid"), orphan.pid() + " " + deadOwner.pid() + "\n");
    DevServer.stopOrphan(state);
    assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(state.resolve("server.pid")).doesNotExist();
  }

  @Test
  void aServerWhoseDevStillRunsIsLeftAloneAndTheSecondDevRefused() throws Exception {
    Path state = dir.resolve("temporal");
    Files.createDirectories(state);
    Process server = fakeServer(DevServer.database(state));
    Process owner = new ProcessBuilder("sleep", "60").start();
    started.add(owner);
    Files.writeString(state.resolve("server.pid"), server.pid() + " " + owner.pid() + "\n");
    assertThatThrownBy(() -> DevServer.stopOrphan(state))
        .hasMessageContaining("another `runbook dev` (pid " + owner.pid() + ") runs the Temporal dev server on "
            + DevServer.database(state));
    assertThat(server.isAlive()).isTrue();
  }

  @Test
  void aPidNowUsedBySomethingElseIsNotKilled() throws Exception {
    Path state = dir.resolve("temporal");
    Files.createDirectories(state);
    Process other = fakeServer(dir.resolve("elsewhere/dev.db"));
    Files.writeString(state.resolve("server.pid"), other.pid() + " 1\n");
    DevServer.stopOrphan(state);
    assertThat(other.isAlive()).isTrue();
    assertThat(state.resolve("server.pid")).doesNotExist();
  }
}
