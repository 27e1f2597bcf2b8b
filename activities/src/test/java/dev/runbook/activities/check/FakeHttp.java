package dev.runbook.activities.check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 for the tests: each path answers what a function of the request
 * returns, and every request is recorded (method, path and query, Authorization header).
 */
final class FakeHttp implements AutoCloseable {
  record Answer(int status, String body) {}

  record Seen(String pathAndQuery, String query, String authorization) {}

  private final HttpServer server;
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  FakeHttp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.start();
  }

  FakeHttp on(String path, Function<HttpExchange, Answer> answer) {
    server.createContext(path, exchange -> {
      try (exchange) {
        seen.add(new Seen(exchange.getRequestURI().toString(),
            // Form decoding ('+' is a space), as Prometheus's Go server reads a query string.
            exchange.getRequestURI().getRawQuery() == null ? null : URLDecoder.decode(
                exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8),
            exchange.getRequestHeaders().getFirst("Authorization")));
        Answer a = answer.apply(exchange);
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
          exchange.getResponseBody().write(body);
        }
      }
    });
    return this;
  }

  FakeHttp on(String path, int status, String body) {
    return on(path, exchange -> new Answer(status, body));
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
