package dev.runbook.starter.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: status, content type, body and extra headers. */
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
  static final String JSON = "application/json; charset=utf-8";

  static Response json(int status, Object body) {
    return new Response(status, JSON, Json.write(body), Map.of());
  }

  static Response error(int status, String code, String message) {
    return new ApiError(status, code, message).response();
  }

  Response withHeader(String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(name, value);
    return new Response(status, contentType, body, Map.copyOf(all));
  }
}
