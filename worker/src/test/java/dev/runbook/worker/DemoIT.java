package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.worker.support.ChildJvm;
import dev.runbook.worker.support.ChildJvm.Result;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `runbook demo` as a new user runs it, in a fresh directory with nothing configured, each run in
 * its own JVM: again and again in the same directory, once killed half-way (as Ctrl-C or a closed
 * terminal would leave it), and then `runbook dev` there, which must not meet anything the demo
 * keeps. No RUNBOOK_DATABASE_URL: the demo and dev start their own private PostgreSQL clusters.
 */
class DemoIT {
  private static final Duration DEMO_TIMEOUT = Duration.ofMinutes(3);
  private static final Pattern SERVICE_URL = Pattern.compile("a real process on (http://127\\.0\\.0\\.1:\\d+)");

  @TempDir Path dir;
  private final int closedPort = freePort();

  @Test
  void theDemoPassesEveryTimeInOneDirectoryEvenAfterAnInterruptedOneAndDevStartsApartFromIt() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

    Result first = demo();
    assertPassed(first);
    assertThat(first.out())
        .contains("erin tries to approve her own run:")
        .contains("refused (SELF_APPROVAL)")
        .contains("approved by alice")
        .contains("Revert shop to schema 2")
        .contains("the rollback log (./runbook log):")
        .containsPattern("shop +v2 +v1 +\\S+ +succeeded")
        .contains("the demo's state stays in " + dir.resolve(".runbook/demo"));

    String interruptedService = interruptedDemo();
    assertThat(answers(interruptedService)).as("the interrupted demo left its sample service running").isTrue();
    assertThat(dir.resolve(".runbook/demo/postgres/postmaster.pid")).as("and its PostgreSQL").exists();

    Result afterInterruption = demo();
    assertPassed(afterInterruption);
    assertThat(afterInterruption.out())
        .contains("stopped the demo's PostgreSQL that an interrupted demo left running")
        .contains("stopped the sample service that an interrupted demo left running");
    assertThat(answers(interruptedService)).isFalse();

    Result third = demo();
    assertPassed(third);
    assertThat(third.out()).doesNotContain("interrupted demo");
    assertThat(dir.resolve(".runbook/demo/postgres/postmaster.pid")).as("the demo stops what it started").doesNotExist();
    assertThat(answers(serviceUrl(third.out()))).isFalse();
    String password = Files.readString(dir.resolve(".runbook/demo/postgres.password")).strip();
    for (Result r : java.util.List.of(first, afterInterruption, third)) {
      assertThat(r.out() + r.err()).doesNotContain(password);
    }

    devStartsWithoutMeetingTheDemo();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void devStartsWithoutMeetingTheDemo() throws Exception {
    int temporalPort = freePort();
    // uiPort: dev hosts the Temporal CLI's dev server (and its UI) when the CLI is installed.
    Files.writeString(dir.resolve("runbook.yaml"), "temporal:\n  embeddedPort: " + temporalPort
        + "\n  uiPort: " + freePort() + "\nworker:\n  metricsListen: 127.0.0.1:0\n");
    Path log = dir.resolve("dev.log");
    Process dev = builder("dev").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      for (int i = 0; i < 240 && !Files.readString(log).contains("Ctrl-C stops it"); i++) {
        assertThat(dev.isAlive()).as(Files.readString(log)).isTrue();
        Thread.sleep(250);
      }
      assertThat(Files.readString(log)).contains("runbook dev: Temporal 127.0.0.1:" + temporalPort)
          .contains("rollback log in PostgreSQL");

      Result runs = cli("log");
      assertThat(runs.exit()).as(runs.toString()).isZero();
      assertThat(runs.out().lines()).as("dev's rollback log has none of the demo's runs").hasSize(1);
      Result backups = cli("backups");
      assertThat(backups.exit()).as(backups.toString()).isZero();
      assertThat(backups.out()).startsWith("no backups in the rollback log yet");
      assertThat(dir.resolve(".runbook/postgres/PG_VERSION")).as("dev's own cluster").exists();
      assertThat(dir.resolve(".runbook/backups")).as("dev's backups are not the demo's").doesNotExist();
      assertThat(dir.resolve(".runbook/demo/backups/shop")).isDirectory();
    } finally {
      dev.destroy();
      assertThat(dev.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
    }
    assertThat(dev.exitValue()).as(Files.readString(log)).isIn(0, 143);
  }

  /** Starts a demo and kills it (SIGKILL) once its rollback has started; returns its service's URL. */
  private String interruptedDemo() throws Exception {
    Path out = dir.resolve("interrupted.out");
    Process p = builder("demo").redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      for (int i = 0; i < 600 && !Files.readString(out).contains("starts a P1 emergency rollback"); i++) {
        assertThat(p.isAlive()).as(Files.readString(out)).isTrue();
        Thread.sleep(100);
      }
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    return serviceUrl(Files.readString(out));
  }

  private static String serviceUrl(String output) {
    Matcher m = SERVICE_URL.matcher(output);
    assertThat(m.find()).as(output).isTrue();
    return m.group(1);
  }

  private Result demo() throws IOException, InterruptedException {
    Path out = Files.createTempFile("demo-out", ".txt");
    Path err = Files.createTempFile("demo-err", ".txt");
    Process p = builder("demo").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(DEMO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the demo did not finish in " + DEMO_TIMEOUT + ":\n" + Files.readString(out));
    }
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  private Result cli(String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("cli-out", ".txt");
    Path err = Files.createTempFile("cli-err", ".txt");
    Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /**
   * A command in its own JVM, in the test's directory, with no PostgreSQL to find: no rollback-log
   * URL, and PGPORT on a port nothing listens on (so a server the machine may run on 5432 is not
   * taken instead of a private cluster).
   */
  private ProcessBuilder builder(String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(ChildJvm.runbook(args)).directory(dir.toFile());
    pb.environment().remove(AuditDatabase.ENV_URL);
    pb.environment().remove("RUNBOOK_CONFIG");
    pb.environment().remove("PGHOST");
    pb.environment().put("PGPORT", Integer.toString(closedPort));
    return pb;
  }

  private static void assertPassed(Result r) {
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).as(r.toString()).contains("demo passed");
  }

  private static boolean answers(String url) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url + "/version")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
