package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and many clients against a real API server on real sockets: they cannot hold it. Latencies
 * are printed, not asserted; what is asserted is that normal requests are answered (within a
 * generous client timeout), that slow connections are closed, and that connections beyond the
 * limit are refused rather than queued.
 */
class ApiSlowClientTest {
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);

  private final List<Socket> sockets = new ArrayList<>();
  private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private BareApi api;

  @AfterEach
  void tearDown() {
    drip.shutdownNow();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed by the server
      }
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void slowClientsDoNotDelayOthersAndAreClosedAfterTheReadTimeout() throws Exception {
    Duration readTimeout = Duration.ofSeconds(3);
    api = BareApi.start(BareApi.settings(4).withLimits(readTimeout, Duration.ofSeconds(5), 64), () -> "up 1\n");

    // More slow clients than request threads: a request line, then one header byte a second.
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Socket s = connect();
      s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
      slow.add(s);
    }
    // And clients that connect and send nothing at all.
    for (int i = 0; i < 8; i++) {
      connect();
    }
    long slowStarted = System.nanoTime();
    drip.scheduleAtFixedRate(() -> slow.forEach(ApiSlowClientTest::oneByte), 1, 1, TimeUnit.SECONDS);

    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long started = System.nanoTime();
      if (i % 2 == 0) {
        // A kept-alive connection of a real HTTP client...
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api.url("/healthz")))
            .timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("ok");
      } else {
        // ...and a new connection each time.
        assertThat(oneRequest("/healthz")).startsWith("HTTP/1.1 200").contains("ok");
      }
      latencies.add((System.nanoTime() - started) / 1_000_000);
      Thread.sleep(50);
    }
    System.out.println("normal requests beside 12 slow and 8 silent connections, ms: " + latencies);

    // Each slow connection is closed by the server once the read timeout has passed.
    List<Long> closedAfter = new ArrayList<>();
    for (Socket s : slow) {
      s.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
      assertThat(readsToEnd(s.getInputStream())).as("the server closes a slow connection").isTrue();
      closedAfter.add((System.nanoTime() - slowStarted) / 1_000_000);
    }
    System.out.println("slow connections closed after, ms (read timeout " + readTimeout.toMillis() + "): "
        + closedAfter);
    assertThat(closedAfter).allMatch(ms -> ms >= readTimeout.toMillis() - 500);
  }

  @Test
  void connectionsBeyondTheLimitAreRefusedNotQueued() throws Exception {
    Duration readTimeout = Duration.ofSeconds(8);
    api = BareApi.start(BareApi.settings(2).withLimits(readTimeout, Duration.ofSeconds(5), 4), () -> "up 1\n");

    // Four connections that started a request and stall: every connection the limit allows.
    long stalledAt = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      connect().getOutputStream().write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    // One more gets a whole request in, and is refused (closed, or 503) long before the stalled ones
    // time out: it does not wait behind them.
    String answer = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < deadline) {
      answer = oneRequest("/healthz");
      if (!answer.startsWith("HTTP/1.1 200")) {
        break;
      }
      Thread.sleep(50);
    }
    long refusedAfter = (System.nanoTime() - stalledAt) / 1_000_000;
    System.out.println("beyond the limit: '" + answer.lines().findFirst().orElse("") + "' after " + refusedAfter
        + " ms (read timeout " + readTimeout.toMillis() + " ms)");
    assertThat(answer).satisfiesAnyOf(
        a -> assertThat(a).as("closed without an answer").isEmpty(),
        a -> assertThat(a).startsWith("HTTP/1.1 503"));
    assertThat(refusedAfter).isLessThan(readTimeout.toMillis());

    // Once the stalled connections are closed by the read timeout, requests are served again.
    for (Socket s : new ArrayList<>(sockets)) {
      s.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
      assertThat(readsToEnd(s.getInputStream())).isTrue();
    }
    String again = "";
    for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); System.nanoTime() < until; ) {
      again = oneRequest("/healthz");
      if (again.startsWith("HTTP/1.1 200")) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(again).startsWith("HTTP/1.1 200");
  }

  @Test
  void whenEveryRequestThreadStaysBusyARequestGets503AfterWaitingTheReadTimeout() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    api = BareApi.start(BareApi.settings(1).withLimits(Duration.ofSeconds(1), Duration.ofSeconds(5), 8), () -> {
      entered.countDown();
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "slow 1\n";
    });
    var held = http.sendAsync(HttpRequest.newBuilder(URI.create(api.url("/metrics"))).timeout(CLIENT_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    HttpResponse<String> busy = http.send(HttpRequest.newBuilder(URI.create(api.url("/healthz")))
        .timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    release.countDown();

    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.headers().firstValue("Retry-After")).contains("1");
    assertThat(busy.body()).contains("\"busy\"").contains("api.threads");
    assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void aClientThatDoesNotTakeItsAnswerIsCutOffAfterTheWriteTimeout() throws Exception {
    int size = 48 * 1024 * 1024;
    String big = "x".repeat(size);
    api = BareApi.start(BareApi.settings(2).withLimits(Duration.ofSeconds(5), Duration.ofSeconds(1), 8), () -> big);

    Socket reluctant = connect();
    reluctant.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    reluctant.getOutputStream().flush();

    // Meanwhile others are answered.
    HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(api.url("/healthz")))
        .timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(200);

    // The behaviour under test: the client reads nothing for twice the server's 1 s write timeout.
    Thread.sleep(2000);
    reluctant.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
    long received = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = reluctant.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        received += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither finished nor closed the connection", e);
    } catch (IOException reset) {
      // closed by the server
    }
    System.out.println("a client that did not read received " + received + " of " + size + " body bytes");
    assertThat(received).isLessThan(size);
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", api.port());
    sockets.add(s);
    return s;
  }

  private static void oneByte(Socket s) {
    try {
      OutputStream out = s.getOutputStream();
      out.write('a');
      out.flush();
    } catch (IOException closedByTheServer) {
      // expected once the read timeout has passed
    }
  }

  /** True when the stream ends (or is reset) before the socket's read timeout. */
  private static boolean readsToEnd(InputStream in) throws IOException {
    try {
      byte[] buffer = new byte[1024];
      while (in.read(buffer) >= 0) {
        // an answer to a request that was never finished would be a failure of its own
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** One request on a new connection: the raw answer, or "" when the server closed it unanswered. */
  private String oneRequest(String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", api.port())) {
      s.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer and no refusal within " + CLIENT_TIMEOUT, e);
    } catch (IOException reset) {
      return "";
    }
  }
}
