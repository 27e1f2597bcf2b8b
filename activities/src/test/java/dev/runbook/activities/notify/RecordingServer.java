package dev.runbook.activities.notify;

import com.sun.net.httpserver.HttpServer;
import dev.runbook.activities.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 that records every request it gets and answers from a script:
 * answer i goes to request i, the last answer repeats.
 */
final class RecordingServer implements AutoCloseable {
  record Answer(int status, String body) {}

  /** One request as it arrived, and the status it was answered with. */
  record Received(String method, String path, Map<String, String> headers, String body,
      int status) {
    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  private final HttpServer server;
  private final List<Answer> script;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private RecordingServer(String path, List<Answer> script) {
    this.script = List.copyOf(script);
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(path, exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) ->
          headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
      Answer answer = this.script.get(Math.min(received.size(), this.script.size() - 1));
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          headers, body, answer.status()));
      byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    });
    server.start();
  }

  static RecordingServer start(String path, Answer... script) {
    return new RecordingServer(path, List.of(script));
  }

  static RecordingServer answering(String path, int status, String body) {
    return start(path, new Answer(status, body));
  }

  /** The full URL of the recorded path, as a secret the way configuration holds it. */
  Secret url(String path) {
    return Secret.of("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  List<Received> received() {
    return new ArrayList<>(received);
  }

  List<Received> answeredWith(int status) {
    return received.stream().filter(r -> r.status() == status).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
