package dev.runbook.starter.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API answers with an error: the status, a short code callers can match on, a
 * message that names what was wrong and what to do, and any extra fields or headers. Thrown from
 * anywhere in a handler; the server turns it into the response.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Map<String, Object> fields = new LinkedHashMap<>();
  private final transient Map<String, String> headers = new LinkedHashMap<>();

  ApiError(int status, String code, String message) {
    // No stack trace: this is an answer, not a fault, and it is never logged with one.
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "invalid_request", message);
  }

  static ApiError invalidField(String field, String message) {
    return badRequest(message).with("field", field);
  }

  ApiError with(String field, Object value) {
    fields.put(field, value);
    return this;
  }

  ApiError header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  Response response() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", getMessage());
    body.putAll(fields);
    Response r = Response.json(status, body);
    for (var h : headers.entrySet()) {
      r = r.withHeader(h.getKey(), h.getValue());
    }
    return r;
  }
}
