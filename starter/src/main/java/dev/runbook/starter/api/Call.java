package dev.runbook.starter.api;

import com.sun.net.httpserver.HttpExchange;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Person;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One request as a handler sees it: the caller, the path parameters, the query and the body. */
final class Call {
  /** Bodies are small records; anything bigger is a mistake or an attack. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final HttpExchange exchange;
  private final Person caller;
  private final Map<String, String> params;

  Call(HttpExchange exchange, Person caller, Map<String, String> params) {
    this.exchange = exchange;
    this.caller = caller;
    this.params = params;
  }

  /** The person the bearer token belongs to (null on public routes). */
  Person caller() {
    return caller;
  }

  /** A request header's first value, or null. */
  String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  String param(String name) {
    return params.get(name);
  }

  /**
   * The query parameters; a parameter the route does not know, a repeated one or a broken
   * percent-encoding is a 400 naming it.
   */
  Map<String, String> query(Set<String> accepted) {
    Map<String, String> query = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (!accepted.contains(name)) {
        throw ApiError.invalidField(name, "unknown query parameter '" + Validation.printable(name)
            + "': the accepted ones are " + String.join(", ", accepted.stream().sorted().toList()));
      }
      if (query.put(name, value) != null) {
        throw ApiError.invalidField(name, "query parameter '" + name + "' is given twice: give it once");
      }
    }
    return query;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("the query has a broken percent-encoding: " + Validation.printable(s));
    }
  }

  /**
   * Reads the JSON body as {@code type}: 415 unless it is JSON, 413 when it is larger than {@link
   * #MAX_BODY_BYTES} (refused from Content-Length before reading any of it), 400 naming the field
   * when it does not fit the record.
   */
  <T> T body(Class<T> type) throws IOException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    String media = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json")) {
      throw new ApiError(415, "unsupported_media_type",
          "send the body as JSON with Content-Type: application/json"
              + (contentType == null ? "" : " (got " + Validation.printable(contentType) + ")"));
    }
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw ApiError.badRequest("Content-Length '" + Validation.printable(length) + "' is not a number");
      }
      if (declared > MAX_BODY_BYTES) {
        drain(exchange.getRequestBody());
        throw tooLarge(declared + " bytes");
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        drain(in);
        throw tooLarge("more than " + MAX_BODY_BYTES + " bytes");
      }
      return Json.read(body, type);
    }
  }

  /**
   * Reads and drops what is left of a refused body, up to {@link #DRAIN_LIMIT}: a connection closed
   * with unread data is reset, and the reset can destroy the 413 before the client reads it. A body
   * larger still only gets the connection closed.
   */
  static void drain(InputStream in) throws IOException {
    byte[] sink = new byte[16 * 1024];
    long left = DRAIN_LIMIT;
    int n;
    while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
      left -= n;
    }
  }

  static final long DRAIN_LIMIT = 1024 * 1024;

  private static ApiError tooLarge(String size) {
    return new ApiError(413, "body_too_large",
        "the body is " + size + ": the limit is " + MAX_BODY_BYTES + " bytes")
        .header("Connection", "close");
  }
}
