package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Closing stops accepting at once and lets requests in flight finish; a burst queues. */
class ApiServerCloseTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private ApiHarness api;

  private void start(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client, int threads)
      throws IOException {
    api = ApiHarness.start(testEnv, worker, client,
        s -> new ApiSettings(s.listen(), threads, s.people(), s.starters(), s.environments(), s.alertRoutes()),
        () -> {
          entered.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "slow_metric 1\n";
        },
        () -> true);
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    api.close();
  }

  private CompletableFuture<HttpResponse<String>> metricsAsync(HttpClient http) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(api.url("/metrics"))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void closeRefusesNewConnectionsAndFinishesTheRequestInFlight(
      TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws Exception {
    start(testEnv, worker, client, 4);
    int port = api.server.port();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    var inFlight = metricsAsync(http);
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    long started = System.nanoTime();
    var closing = CompletableFuture.runAsync(api.server::close);
    awaitRefused(port);
    assertThat(closing).isNotDone();

    release.countDown();
    HttpResponse<String> r = inFlight.get(5, TimeUnit.SECONDS);
    closing.get(ApiServer.GRACE_SECONDS + 1, TimeUnit.SECONDS);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("slow_metric 1\n");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(ApiServer.GRACE_SECONDS));
  }

  @Test
  void anIdleServerClosesAtOnce(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client)
      throws Exception {
    start(testEnv, worker, client, 4);
    assertThat(api.get("/healthz", null).status()).isEqualTo(200);

    long started = System.nanoTime();
    api.server.close();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    assertThatThrownBy(() -> new Socket("127.0.0.1", api.server.port()).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void requestsBeyondThePoolQueueAndAllAreAnswered(TestWorkflowEnvironment testEnv, Worker worker,
      WorkflowClient client) throws Exception {
    start(testEnv, worker, client, 1);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    var first = metricsAsync(http);
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<HttpResponse<String>>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queued.add(metricsAsync(http));
    }
    Thread.sleep(200);
    assertThat(queued).noneMatch(CompletableFuture::isDone);

    release.countDown();

    assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    for (var q : queued) {
      assertThat(q.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  private static void awaitRefused(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        Thread.sleep(20);
      } catch (IOException refused) {
        return;
      }
    }
    throw new AssertionError("the server still accepts connections after close()");
  }
}
