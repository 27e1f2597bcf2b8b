package dev.runbook.starter.api;

import dev.runbook.starter.client.RunbookClient;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A real API server for transport tests: its public routes (/healthz, /metrics, /openapi.json)
 * answer without Temporal, which it is pointed at a closed port for.
 */
final class BareApi implements AutoCloseable {
  final ApiServer server;
  private final WorkflowServiceStubs stubs;

  private BareApi(ApiServer server, WorkflowServiceStubs stubs) {
    this.server = server;
    this.stubs = stubs;
  }

  /** Settings on a free loopback port with one person, {@code threads} request threads. */
  static ApiSettings settings(int threads) {
    return new ApiSettings("127.0.0.1:0", threads,
        List.of(new ApiSettings.PersonEntry("alice", List.of("on-call"), Tokens.sha256Hex(Tokens.newToken()))),
        null, null, null);
  }

  static BareApi start(ApiSettings settings, Supplier<String> metrics) throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget("127.0.0.1:" + closedPort)
        .setRpcRetryOptions(RpcRetryOptions.newBuilder().setExpiration(Duration.ofMillis(500)).build())
        .setSystemInfoTimeout(Duration.ofMillis(500))
        .setRpcTimeout(Duration.ofSeconds(1))
        .build());
    try {
      RunbookClient runbooks = new RunbookClient(WorkflowClient.newInstance(stubs), "runbook");
      ApiServer server = new ApiServer(settings, runbooks, new ApiServer.Records(
          (limit, service, open, drills) -> List.of(), null, null, null), metrics, () -> true).start();
      return new BareApi(server, stubs);
    } catch (IOException | RuntimeException e) {
      stubs.shutdownNow();
      throw e;
    }
  }

  int port() {
    return server.port();
  }

  String url(String path) {
    return server.scheme() + "://127.0.0.1:" + port() + path;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      stubs.shutdownNow();
    }
  }
}
