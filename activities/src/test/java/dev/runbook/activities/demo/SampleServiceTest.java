package dev.runbook.activities.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the sample service as a real child JVM, as the demo and the process adapter do. */
class SampleServiceTest {
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<Process> started = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static List<String> command(int port, String version, String... extra) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classes = SampleService.class.getProtectionDomain().getCodeSource().getLocation()
        .getPath();
    List<String> argv = new ArrayList<>(List.of(java, "-cp", classes,
        SampleService.class.getName(), "--port", Integer.toString(port), "--version", version));
    argv.addAll(List.of(extra));
    return argv;
  }

  private Process start(int port, String version, String... extra) throws Exception {
    Process p = new ProcessBuilder(command(port, version, extra))
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .start();
    started.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try {
        get(port, "/version");
        return p;
      } catch (ConnectException notYet) {
        assertThat(p.isAlive()).as("sample service exited: %s",
            Files.readString(dir.resolve("err.txt"))).isTrue();
        Thread.sleep(50);
      }
    }
    throw new AssertionError("sample service did not answer on port " + port);
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersHealthAndVersionAndStopsOnSigterm() throws Exception {
    int port = freePort();
    Process p = start(port, "v2");

    HttpResponse<String> health = get(port, "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    HttpResponse<String> version = get(port, "/version");
    assertThat(version.statusCode()).isEqualTo(200);
    assertThat(version.body()).isEqualTo("{\"version\":\"v2\"}");
    assertThat(get(port, "/nothing").statusCode()).isEqualTo(404);

    p.destroy(); // SIGTERM
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8))
        .isEqualTo("SampleService v2 listening on http://127.0.0.1:" + port + "\n");
    assertThat(Files.readString(dir.resolve("err.txt"))).isEmpty();
    try {
      get(port, "/health");
      throw new AssertionError("port " + port + " still answers after SIGTERM");
    } catch (ConnectException expected) {
      // closed, as it should be
    }
  }

  @Test
  void unhealthyFromTheStartOrWhileTheFlagFileExists() throws Exception {
    int sick = freePort();
    start(sick, "v3", "--unhealthy");
    HttpResponse<String> health = get(sick, "/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).contains("unhealthy");
    assertThat(get(sick, "/version").body()).contains("v3");

    int flapping = freePort();
    Path flag = dir.resolve("unhealthy.flag");
    start(flapping, "v1", "--unhealthy-file", flag.toString());
    assertThat(get(flapping, "/health").statusCode()).isEqualTo(200);
    Files.writeString(flag, "down");
    assertThat(get(flapping, "/health").statusCode()).isEqualTo(503);
    Files.delete(flag);
    assertThat(get(flapping, "/health").statusCode()).isEqualTo(200);
  }

  @Test
  void aVersionNamedBadIsUnhealthyAndAStartDelayKeepsItSilentThatLong() throws Exception {
    int bad = freePort();
    start(bad, "v3-broken", "--bad-versions", "v3-broken,v4-bad");
    assertThat(get(bad, "/health").statusCode()).isEqualTo(503);
    int good = freePort();
    start(good, "v2", "--bad-versions", "v3-broken,v4-bad");
    assertThat(get(good, "/health").statusCode()).isEqualTo(200);

    int slow = freePort();
    long before = System.nanoTime();
    start(slow, "v2", "--start-delay-ms", "1500");
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    assertThat(get(slow, "/health").statusCode()).isEqualTo(200);
  }

  @Test
  void readsItsEnvFileAtStartAndABadVariableMakesItUnhealthyUntilItStartsWithAGoodOne() throws Exception {
    Path env = dir.resolve(".env");
    Files.writeString(env, "# payments\nPAYMENTS_URL=htps://pay.example.com\nSTRIPE_KEY=sk_live_sample_42\n");
    int port = freePort();
    Process bad = start(port, "v1", "--env-file", env.toString());
    HttpResponse<String> health = get(port, "/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).isEqualTo("{\"status\":\"unhealthy\",\"problem\":\"PAYMENTS_URL is not an http(s) URL\"}");

    Files.writeString(env, "# payments\nPAYMENTS_URL=https://pay.example.com\nSTRIPE_KEY=sk_live_sample_42\n");
    assertThat(get(port, "/health").statusCode()).as("read once, at start").isEqualTo(503);
    bad.destroy();
    assertThat(bad.waitFor(10, TimeUnit.SECONDS)).isTrue();
    start(port, "v1", "--env-file", env.toString());
    assertThat(get(port, "/health").statusCode()).isEqualTo(200);
    assertThat(Files.readString(dir.resolve("out.txt"))).contains("with 2 variables from its env file")
        .doesNotContain("sk_live_sample_42").doesNotContain("pay.example.com");
  }

  @Test
  void refusesBadArguments() throws Exception {
    Process p = new ProcessBuilder(command(freePort(), "v1; rm -rf /"))
        .redirectErrorStream(true).start();
    started.add(p);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("--version");
  }
}
