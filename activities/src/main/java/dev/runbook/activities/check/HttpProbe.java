package dev.runbook.activities.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP GET with a timeout and a bounded body: the health, version and smoke-check probes and
 * the Prometheus query all go through here.
 */
public final class HttpProbe {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Health and version answers are small; a huge body means a wrong URL, not a bigger answer. */
  private static final int MAX_BODY = 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The client, made on the first probe: checking a configuration's URLs (a CLI command does)
   * must not start one, with its TLS setup and a selector thread the JVM's exit waits for.
   */
  private static final class Client {
    static final HttpClient INSTANCE =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  private HttpProbe() {}

  public record Response(int status, String body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /**
   * @param headers extra request headers (an Authorization header is never shown anywhere)
   * @throws IOException when the server cannot be reached or does not answer in time
   */
  public static Response get(String url, Duration timeout, Map<String, String> headers)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout == null ? DEFAULT_TIMEOUT : timeout)
            .header("Accept", "application/json, text/plain;q=0.9, */*;q=0.5")
            .GET();
    headers.forEach(request::header);
    try {
      HttpResponse<InputStream> response =
          Client.INSTANCE.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        byte[] bytes = body.readNBytes(MAX_BODY);
        return new Response(response.statusCode(), new String(bytes, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + display(url), e);
    }
  }

  public static Response get(String url, Duration timeout) throws IOException {
    return get(url, timeout, Map.of());
  }

  /** A short reason for an unreachable URL: "connection refused", "timed out"... */
  public static String reason(IOException e) {
    String name = e.getClass().getSimpleName();
    if (name.contains("Timeout")) {
      return "timed out";
    }
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    return e.getMessage() == null ? name : e.getMessage();
  }

  /** The URL without any user:password part, for plans and messages. */
  public static String display(String url) {
    try {
      URI uri = new URI(url);
      String userInfo = uri.getRawUserInfo();
      return userInfo == null ? url : url.replace(userInfo + "@", "");
    } catch (URISyntaxException e) {
      return "(invalid URL)";
    }
  }

  /** Why a configured URL cannot be used, or null when it can. */
  public static String urlProblem(String url) {
    if (url == null || url.isBlank()) {
      return "missing";
    }
    try {
      URI uri = new URI(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        return "'" + display(url) + "' is not an http:// or https:// URL";
      }
      if (uri.getHost() == null) {
        return "'" + display(url) + "' has no host";
      }
      return null;
    } catch (URISyntaxException e) {
      return "'" + display(url) + "' is not a valid URL: " + e.getReason();
    }
  }

  /**
   * A field of a JSON body, as text. {@code field} is a name or a dotted path ({@code
   * build.version}); empty when the body is not JSON or has no such field.
   */
  public static Optional<String> jsonField(String body, String field) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null) {
        return Optional.empty();
      }
      for (String part : field.split("\\.")) {
        node = node.path(part);
      }
      if (node.isMissingNode() || node.isNull()) {
        return Optional.empty();
      }
      return Optional.of(node.isValueNode() ? node.asText() : node.toString());
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** The start of a body, on one line, for a message. */
  public static String snippet(String body) {
    String flat = body.strip().replaceAll("\\s+", " ");
    return flat.length() <= 120 ? flat : flat.substring(0, 120) + "...";
  }
}
