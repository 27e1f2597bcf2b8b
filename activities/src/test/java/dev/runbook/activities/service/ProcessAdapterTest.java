package dev.runbook.activities.service;

import static dev.runbook.activities.service.Fakes.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.runbook.activities.demo.SampleService;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.HealthReading;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceActionResult;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersion;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersionRequest;
import dev.runbook.workflows.activities.ServiceActivities.VerifyRequest;
import dev.runbook.workflows.activities.ServiceActivities.VerifyResult;
import dev.runbook.workflows.activities.ServiceActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process adapter against the real {@link SampleService}, started as a child JVM: every
 * version answer and port check below comes from that process over HTTP.
 */
class ProcessAdapterTest {
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  private int port;
  private Path flag;
  private ServiceActivitiesImpl activities;
  private final List<ServiceActivitiesImpl> toStop = new ArrayList<>();

  @BeforeEach
  void setUp() {
    port = Fakes.freePort();
    flag = dir.resolve("unhealthy.flag");
    activities = sampleService(dir.resolve("state"));
  }

  private ServiceActivitiesImpl sampleService(Path stateDir) {
    ServiceActivitiesImpl impl = new ServiceActivitiesImpl(
        Map.of("api", settings(port, sampleClasses(), flag)), dir, stateDir,
        System.getenv("PATH"), Clock.systemUTC());
    toStop.add(impl);
    return impl;
  }

  static String sampleClasses() {
    return SampleService.class.getProtectionDomain().getCodeSource().getLocation().getPath();
  }

  /** The sample service on a port, started with its JDK's java, made unhealthy by a flag file. */
  static ServiceSettings settings(int port, String classes, Path flag) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessSettings process = new ProcessSettings(List.of(java, "-cp", classes,
        SampleService.class.getName(), "--port", Integer.toString(port), "--version", "{version}",
        "--unhealthy-file", flag.toString()), null, Map.of(), Duration.ofSeconds(5),
        Duration.ofSeconds(20));
    return new ServiceSettings("process", process, null, null, null,
        "http://127.0.0.1:" + port + "/health", "http://127.0.0.1:" + port + "/version", null,
        null, null, Duration.ofSeconds(3));
  }

  @AfterEach
  void stopWhatWasStarted() {
    for (ServiceActivitiesImpl impl : toStop) {
      impl.stop(new ServiceAction("api", "cleanup-" + UUID.randomUUID(), false));
    }
  }

  private long pid() throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("state/api/pid")).strip().split(" ")[0]);
  }

  private String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private boolean portOpen() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void deployOverAnotherVersionRestartsTheProcess() throws Exception {
    ServiceActionResult v2 = activities.deploy(new DeployRequest("api", "v2", "d1", false));
    assertThat(v2.changed()).isTrue();
    assertThat(get("/version")).isEqualTo("{\"version\":\"v2\"}");
    long first = pid();

    ServiceActionResult v1 = activities.deploy(new DeployRequest("api", "v1", "d2", false));

    assertThat(v1.changed()).isTrue();
    assertThat(v1.detail()).contains("(running now: v2)", "stopped pid " + first + " with SIGTERM",
        "; healthy");
    assertThat(get("/version")).isEqualTo("{\"version\":\"v1\"}");
    long second = pid();
    assertThat(second).isNotEqualTo(first);
    assertThat(alive(first)).isFalse();
    assertThat(v1.planned()).contains("kill -TERM " + first);
    assertThat(v1.planned().get(v1.planned().size() - 1))
        .contains(SampleService.class.getName() + " --port " + port + " --version v1 ");

    TargetVersion lastGood = activities.resolveTarget(
        new TargetVersionRequest("api", null, null, false));
    assertThat(lastGood.version()).isEqualTo("v2");
    assertThat(lastGood.knownVersions()).containsExactly("v1", "v2");
    assertThat(activities.resolveTarget(new TargetVersionRequest("api", "v1", "v2", false))
        .source()).isEqualTo("requested");
    ApplicationFailure unknown = failure(() -> activities.resolveTarget(
        new TargetVersionRequest("api", "v1", "v7", false)));
    assertThat(unknown.getType()).isEqualTo(FailureType.UNKNOWN_VERSION.name());
  }

  @Test
  void everyActionIsIdempotent() throws Exception {
    activities.deploy(new DeployRequest("api", "v1", "d1", false));
    long pid = pid();

    ServiceActionResult sameVersion = activities.deploy(new DeployRequest("api", "v1", "d2",
        false));
    assertThat(sameVersion.changed()).isFalse();
    assertThat(sameVersion.detail()).contains("already runs v1 and is healthy");
    ServiceActionResult sameKey = activities.deploy(new DeployRequest("api", "v1", "d1", false));
    assertThat(sameKey.changed()).isTrue();
    assertThat(sameKey.detail()).startsWith("already done under this key");
    assertThat(pid()).isEqualTo(pid);

    ServiceActionResult stopped = activities.stop(new ServiceAction("api", "s1", false));
    assertThat(stopped.changed()).isTrue();
    assertThat(portOpen()).isFalse();
    assertThat(alive(pid)).isFalse();
    assertThat(activities.stop(new ServiceAction("api", "s2", false)).changed()).isFalse();
    assertThat(activities.stop(new ServiceAction("api", "s1", false)).detail())
        .startsWith("already done under this key");

    ServiceActionResult started = activities.start(new ServiceAction("api", "t1", false));
    assertThat(started.changed()).isTrue();
    assertThat(get("/version")).isEqualTo("{\"version\":\"v1\"}");
    long restarted = pid();
    assertThat(activities.start(new ServiceAction("api", "t2", false)).changed()).isFalse();
    assertThat(activities.start(new ServiceAction("api", "t1", false)).changed()).isTrue();
    assertThat(pid()).isEqualTo(restarted);
  }

  @Test
  void healthIsOneReadingThatNeverThrows() throws Exception {
    activities.deploy(new DeployRequest("api", "v1", "d1", false));
    HealthReading up = activities.health(new ServiceQuery("api", false));
    assertThat(up.healthy()).isTrue();
    assertThat(up.version()).isEqualTo("v1");

    Files.writeString(flag, "down");
    HealthReading flapping = activities.health(new ServiceQuery("api", false));
    assertThat(flapping.healthy()).isFalse();
    assertThat(flapping.detail()).contains("answered 503");

    activities.stop(new ServiceAction("api", "s1", false));
    HealthReading down = activities.health(new ServiceQuery("api", false));
    assertThat(down.healthy()).isFalse();
    assertThat(down.detail()).endsWith("connection refused");
    assertThat(down.version()).as("the recorded version, the service cannot say").isEqualTo("v1");
  }

  @Test
  void verifyPollsWhileHeartbeatingUntilHealthAndVersionHold() throws Exception {
    activities.deploy(new DeployRequest("api", "v1", "d1", false));
    Files.writeString(flag, "down");

    ApplicationFailure failed = failure(() -> activities.verify(
        new VerifyRequest("api", "v2", false)));
    assertThat(failed.getType()).isEqualTo(FailureType.VERIFICATION_FAILED.name());
    assertThat(failed.isNonRetryable()).isFalse();
    assertThat(failed.getOriginalMessage()).startsWith("api did not verify within 3s")
        .contains("health: GET http://127.0.0.1:" + port + "/health answered 503")
        .contains("version: expected v2, running v1");

    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      List<String> beats = new CopyOnWriteArrayList<>();
      env.setActivityHeartbeatListener(String.class, beats::add);
      env.registerActivitiesImplementations(activities);
      ServiceActivities stub = env.newActivityStub(ServiceActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1))
              .setHeartbeatTimeout(Duration.ofMillis(500))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      Thread heals = new Thread(() -> {
        try {
          // The service heals once verify has polled it unhealthy twice.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (!beats.contains("verifying api: poll 2") && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          Files.delete(flag);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      heals.start();

      VerifyResult ok = stub.verify(new VerifyRequest("api", "v1", false));
      heals.join();

      assertThat(ok.healthy()).isTrue();
      assertThat(ok.version()).isEqualTo("v1");
      assertThat(ok.planned()).containsExactly("GET http://127.0.0.1:" + port + "/health",
          "GET http://127.0.0.1:" + port + "/version");
      assertThat(beats).contains("verifying api: poll 1").anyMatch(b -> !b.endsWith("poll 1"));
    } finally {
      env.close();
    }
  }

  /**
   * A worker JVM deploys the service and exits; the service keeps answering, and another worker
   * sharing the state directory (this JVM) can still stop it.
   */
  @Test
  void theServiceOutlivesTheWorkerThatStartedIt() throws Exception {
    Path shared = dir.resolve("shared-state");
    ServiceActivitiesImpl later = new ServiceActivitiesImpl(
        Map.of("api", settings(port, sampleClasses(), shared.resolve("flag"))), shared, shared,
        System.getenv("PATH"), Clock.systemUTC());
    toStop.add(later);
    Process worker = new ProcessBuilder(WorkerThatExits.command(port, shared, sampleClasses(),
        "v3")).redirectErrorStream(true).start();
    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(worker.getInputStream().readAllBytes());
    assertThat(worker.exitValue()).as(output).isZero();

    assertThat(get("/version")).isEqualTo("{\"version\":\"v3\"}");
    long pid = Long.parseLong(Files.readString(shared.resolve("api/pid")).split(" ")[0]);
    assertThat(alive(pid)).isTrue();

    assertThat(later.stop(new ServiceAction("api", "s1", false)).changed()).isTrue();
    assertThat(alive(pid)).isFalse();
    assertThat(portOpen()).isFalse();
  }

  @Test
  void theProcessRunsInItsOwnSessionWithItsOutputInTheLog() throws Exception {
    activities.deploy(new DeployRequest("api", "v1", "d1", false));
    long pid = pid();
    // Field 6 of /proc/<pid>/stat is the session: a session leader owns it, so a signal to the
    // worker's terminal or process group does not reach the service.
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    assertThat(Long.parseLong(fields[3])).isEqualTo(pid);
    assertThat(Files.readString(dir.resolve("state/api/service.log")))
        .contains("SampleService v1 listening on http://127.0.0.1:" + port);
  }

  @Test
  void aVersionThatDiesAtStartFailsWithItsLog() throws Exception {
    // Another web server already holds the port, so the new process cannot bind it.
    HttpServer other = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10);
    other.start();
    try {
      ApplicationFailure f = failure(() -> activities.deploy(
          new DeployRequest("api", "v1", "d1", false)));
      assertThat(f.getType()).isEqualTo(FailureType.COMMAND_FAILED.name());
      assertThat(f.isNonRetryable()).isFalse();
      assertThat(f.getOriginalMessage()).contains("api v1 exited with code 1 right after it was"
          + " started", "BindException");
    } finally {
      other.stop(0);
    }
    assertThat(dir.resolve("state/api/pid")).doesNotExist();
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilled() throws Exception {
    Path script = Fakes.install("stubborn.sh", dir, "stubborn.sh");
    ServiceSettings stubborn = new ServiceSettings("process", new ProcessSettings(
        List.of(script.toString(), "{version}"), null, null, Duration.ofSeconds(1), null),
        null, null, null, null, null, null, null, null, null);
    ServiceActivitiesImpl impl = new ServiceActivitiesImpl(Map.of("api", stubborn), dir,
        dir.resolve("stubborn-state"), System.getenv("PATH"), Clock.systemUTC());
    toStop.add(impl);
    impl.deploy(new DeployRequest("api", "v1", "d1", false));
    long pid = Long.parseLong(Files.readString(dir.resolve("stubborn-state/api/pid")).split(" ")[0]);
    List<ProcessHandle> children = ProcessHandle.of(pid).orElseThrow().children().toList();
    assertThat(impl.health(new ServiceQuery("api", false)).detail())
        .isEqualTo("pid " + pid + " is running");

    ServiceActionResult stopped = impl.stop(new ServiceAction("api", "s1", false));

    assertThat(stopped.detail()).contains("killed pid " + pid + " with SIGKILL after 1s");
    assertThat(stopped.planned()).containsExactly("kill -TERM " + pid, "kill -KILL " + pid);
    assertThat(alive(pid)).isFalse();
    assertThat(children).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void dryRunShowsTheRestartAndChangesNothing() throws Exception {
    activities.deploy(new DeployRequest("api", "v2", "d1", false));
    long pid = pid();

    ServiceActionResult plan = activities.deploy(new DeployRequest("api", "v1", "d2", true));

    assertThat(plan.changed()).isFalse();
    assertThat(plan.detail()).startsWith("dry run, nothing changed: would deploy api v1");
    assertThat(plan.planned()).startsWith("GET http://127.0.0.1:" + port + "/version");
    assertThat(plan.planned()).anyMatch(p -> p.startsWith("kill -TERM " + pid));
    assertThat(plan.planned().get(plan.planned().size() - 1))
        .contains("--version v1 ");
    assertThat(pid()).isEqualTo(pid);
    assertThat(get("/version")).isEqualTo("{\"version\":\"v2\"}");
    assertThat(activities.resolveTarget(new TargetVersionRequest("api", null, "v2", true))
        .knownVersions()).containsExactly("v2");
  }

  @Test
  void injectedVersionsAndNamesAreRefused() throws Exception {
    Path pwned = dir.resolve("pwned");
    for (String version : List.of("v1; rm -rf /", "$(touch " + pwned + ")")) {
      ApplicationFailure f = failure(() -> activities.deploy(
          new DeployRequest("api", version, "d1", false)));
      assertThat(f.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    }
    ApplicationFailure name = failure(() -> activities.start(
        new ServiceAction("api\" && touch " + pwned, "t1", false)));
    assertThat(name.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(pwned).doesNotExist();
    assertThat(dir.resolve("state/api/pid")).doesNotExist();
  }
}
