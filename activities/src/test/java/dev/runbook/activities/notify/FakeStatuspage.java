package dev.runbook.activities.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.activities.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Statuspage incidents API (v1): create, update and list unresolved
 * incidents of one page, with the OAuth API key checked on every call. It keeps the incidents, so
 * a test sees what the page would show, and every call, so a test sees what was asked.
 */
public final class FakeStatuspage implements AutoCloseable {
  public static final String PAGE = "kctbh9vrtdwd";
  private static final Pattern INCIDENT = Pattern.compile("/v1/pages/" + PAGE + "/incidents/([a-z0-9]+)");

  /** One call as it arrived: its method, path, Authorization header and JSON body (or null). */
  public record Call(String method, String path, String authorization, JsonNode body) {
    public JsonNode incident() {
      return body.path("incident");
    }
  }

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final String apiKey;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, ObjectNode> incidents = new LinkedHashMap<>();
  private volatile long createAnswerDelayMillis;

  public FakeStatuspage(String apiKey) {
    this.apiKey = apiKey;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext("/v1/pages/", this::handle);
    server.start();
  }

  /** The API's base URL, as {@code notify.channels.<name>.url} takes it. */
  public Secret url() {
    return Secret.of("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  /** The next creates are made, then answered only after this long: the answer gets lost. */
  public void answerCreatesAfter(long millis) {
    createAnswerDelayMillis = millis;
  }

  public List<Call> calls() {
    return new ArrayList<>(calls);
  }

  /** The calls that change the page: creates and updates, without the lookups. */
  public List<Call> changes() {
    return calls.stream().filter(c -> !c.method().equals("GET")).toList();
  }

  public synchronized List<ObjectNode> incidents() {
    return List.copyOf(incidents.values());
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    calls.add(new Call(method, path, auth, body.isEmpty() ? null : json.readTree(body)));
    if (!("OAuth " + apiKey).equals(auth)) {
      answer(exchange, 401, "{\"error\":\"Could not authenticate\"}");
      return;
    }
    String incidents = "/v1/pages/" + PAGE + "/incidents";
    Matcher one = INCIDENT.matcher(path);
    if (method.equals("POST") && path.equals(incidents)) {
      ObjectNode created = create(json.readTree(body).path("incident"));
      if (createAnswerDelayMillis > 0) {
        sleep(createAnswerDelayMillis);
      }
      answer(exchange, 201, created.toString());
    } else if (method.equals("GET") && path.equals(incidents + "/unresolved")) {
      answer(exchange, 200, unresolved().toString());
    } else if (method.equals("GET") && path.equals(incidents)) {
      answer(exchange, 200, named(exchange.getRequestURI().getQuery()).toString());
    } else if (method.equals("PATCH") && one.matches() && !one.group(1).equals("unresolved")) {
      ObjectNode updated = update(one.group(1), json.readTree(body).path("incident"));
      answer(exchange, updated == null ? 404 : 200,
          updated == null ? "{\"error\":\"not found\"}" : updated.toString());
    } else {
      answer(exchange, 404, "{\"error\":\"not found\"}");
    }
  }

  private synchronized ObjectNode create(JsonNode asked) {
    ObjectNode incident = json.createObjectNode();
    String id = "inc" + (incidents.size() + 1);
    incident.put("id", id);
    incident.put("page_id", PAGE);
    incident.put("name", asked.path("name").asText());
    incident.put("status", asked.path("status").asText());
    incident.put("created_at", OffsetDateTime.now(ZoneOffset.ofHours(-6)).toString());
    incident.set("components", asked.path("components"));
    incidents.put(id, incident);
    return incident;
  }

  private synchronized ObjectNode update(String id, JsonNode asked) {
    ObjectNode incident = incidents.get(id);
    if (incident != null) {
      incident.put("status", asked.path("status").asText());
      if (asked.has("components")) {
        incident.set("components", asked.path("components"));
      }
    }
    return incident;
  }

  private synchronized ArrayNode unresolved() {
    ArrayNode list = json.createArrayNode();
    incidents.values().stream()
        .filter(i -> !i.path("status").asText().equals("resolved"))
        .forEach(list::add);
    return list;
  }

  /** The API's search: every incident whose name contains {@code q} (all without one). */
  private synchronized ArrayNode named(String query) {
    String q = "";
    for (String part : query == null ? new String[0] : query.split("&")) {
      if (part.startsWith("q=")) {
        q = URLDecoder.decode(part.substring(2), StandardCharsets.UTF_8);
      }
    }
    String wanted = q;
    ArrayNode list = json.createArrayNode();
    incidents.values().stream()
        .filter(i -> i.path("name").asText().contains(wanted))
        .forEach(list::add);
    return list;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] out = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    try {
      exchange.sendResponseHeaders(status, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    } catch (IOException e) {
      // The client gave up waiting (a lost answer): nothing to tell it.
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
