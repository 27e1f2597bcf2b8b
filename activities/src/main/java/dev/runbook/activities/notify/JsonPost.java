package dev.runbook.activities.notify;

import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends JSON with the JDK HTTP client for the Slack, webhook and status page channels. The URL is
 * a secret, so every failure is reported by channel name, and text from the peer or the JDK is
 * scrubbed of the URL, its path (where webhook tokens live) and the bearer token.
 */
final class JsonPost {
  /** Connecting should be quick; each request has its own overall timeout on top. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(JsonPost.class);

  record Response(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClient client;

  JsonPost(HttpClient client) {
    this.client = client;
  }

  static HttpClient defaultClient() {
    // Redirects are not followed: a redirect would carry the token to another address.
    return HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * Sends one request ({@code json} null for none) and returns the answer, whatever its status.
   *
   * @param secrets what the request carries besides the URL (tokens, header values): scrubbed
   *     from every failure text
   */
  Response send(
      String channel, String method, Secret url, Map<String, String> headers, String json,
      Duration timeout, List<Secret> secrets) {
    HttpRequest request;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.reveal().trim()))
          .timeout(timeout)
          .header("User-Agent", "runbook-notify")
          .method(method, json == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
      if (json != null) {
        b.header("Content-Type", "application/json; charset=utf-8");
      }
      headers.forEach(b::header);
      request = b.build();
    } catch (IllegalArgumentException e) {
      // The JDK's message quotes the URL or header value: do not pass it on.
      throw new DeliveryFailure(FailureType.INVALID_INPUT, "channel '" + channel
          + "': the configured url or a header is not valid for an HTTP request: fix"
          + " notify.channels." + channel + " (url an http or https URL, token, apiKey and"
          + " header values one line each)");
    }
    try {
      HttpResponse<String> response =
          client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(response.statusCode(), response.body());
    } catch (HttpTimeoutException e) {
      throw new DeliveryFailure(FailureType.UNAVAILABLE, "channel '" + channel
          + "': no answer within " + timeout.toMillis() + " ms: check that the receiver is up,"
          + " or raise notify.channels." + channel + ".timeout");
    } catch (IOException e) {
      String why = scrub(e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()), url, secrets);
      log.debug("channel {}: {} failed: {}", channel, method, why);
      throw new DeliveryFailure(FailureType.UNAVAILABLE, "channel '" + channel
          + "': could not reach the receiver (" + why + "): check that it is up and reachable"
          + " from the worker");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryFailure(FailureType.UNAVAILABLE,
          "channel '" + channel + "': interrupted while sending; a retry sends it again");
    }
  }

  /** The first line of a peer's answer, short and scrubbed, for an error message. */
  static String snippet(String body, Secret url, List<Secret> secrets) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String line = body.strip().lines().findFirst().orElse("");
    line = line.length() > 200 ? line.substring(0, 200) + "..." : line;
    return " " + scrub(line, url, secrets);
  }

  /** Removes the URL, its path and query (where webhook tokens are) and the token from a text. */
  static String scrub(String text, Secret url, List<Secret> secrets) {
    String out = url.redact(text);
    try {
      URI u = URI.create(url.reveal().trim());
      for (String part : new String[] {u.getRawPath(), u.getRawQuery(), u.getPath()}) {
        if (part != null && part.length() > 1) {
          out = Secret.of(part).redact(out);
        }
      }
      // A peer may quote just the token, the last segments of a Slack webhook path.
      for (String segment : (u.getPath() == null ? "" : u.getPath()).split("/")) {
        if (segment.length() >= 8) {
          out = Secret.of(segment).redact(out);
        }
      }
    } catch (IllegalArgumentException e) {
      // Not a URL: the whole value was redacted above, nothing more to find.
    }
    for (Secret secret : secrets) {
      out = secret.redact(out);
    }
    return out;
  }
}
