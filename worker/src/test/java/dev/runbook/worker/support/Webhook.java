package dev.runbook.worker.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A real webhook receiver on 127.0.0.1 that records every message it accepts. */
public final class Webhook implements AutoCloseable {
  /** One accepted message, with the headers it came with (the first value of each, lower-case names). */
  public record Message(String idempotencyKey, String body, Map<String, String> headers) {}

  private final HttpServer server;
  private final List<Message> accepted = new ArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();

  public Webhook() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", x -> {
      requests.incrementAndGet();
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        x.sendResponseHeaders(500, -1);
      } else {
        synchronized (accepted) {
          Map<String, String> headers = new TreeMap<>();
          x.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
          accepted.add(new Message(x.getRequestHeaders().getFirst("Idempotency-Key"), body, headers));
        }
        x.sendResponseHeaders(200, -1);
      }
      x.close();
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** The next {@code n} requests are answered 500. */
  public void failNext(int n) {
    failuresLeft.set(n);
  }

  public int requests() {
    return requests.get();
  }

  public List<Message> accepted() {
    synchronized (accepted) {
      return List.copyOf(accepted);
    }
  }

  /** The kinds of the messages taken about runs whose workflow ID starts with {@code run}, in order. */
  public List<String> kindsAbout(String run) {
    List<String> kinds = new ArrayList<>();
    for (Message m : accepted()) {
      try {
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(m.body());
        if (doc.path("workflowId").asText().startsWith(run)) {
          kinds.add(doc.path("kind").asText());
        }
      } catch (IOException notJson) {
        throw new AssertionError("the webhook took a message that is not JSON: " + m.body(), notJson);
      }
    }
    return kinds;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
