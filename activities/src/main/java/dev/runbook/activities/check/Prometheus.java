package dev.runbook.activities.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads one number from the Prometheus HTTP API ({@code GET /api/v1/query}, an instant query).
 * A vector with several series gives the highest value: the error rate of the worst instance is
 * the one that matters. An empty vector or NaN gives no value, which is not the same as zero: a
 * misspelt metric must not pass as "no errors".
 */
final class Prometheus {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** @param value the reading, or null when the query returned no number */
  record Reading(Double value, String detail) {}

  private Prometheus() {}

  /** The exact URL queried (the query URL-encoded), for {@code planned}. */
  static String queryUrl(ErrorRateSettings settings) {
    String base = settings.prometheusUrl().replaceAll("/+$", "");
    return base + "/api/v1/query?query=" + URLEncoder.encode(settings.query(), StandardCharsets.UTF_8);
  }

  /** @param path the configuration path of the settings, e.g. services.api.errorRate */
  static Reading read(ErrorRateSettings settings, String path) {
    String where = path + ".query";
    String url = queryUrl(settings);
    Map<String, String> headers = settings.bearerToken().isEmpty()
        ? Map.of()
        : Map.of("Authorization", "Bearer " + settings.bearerToken().reveal());
    HttpProbe.Response response;
    try {
      response = HttpProbe.get(url, settings.timeout(), headers);
    } catch (IOException e) {
      throw Failures.of(FailureType.UNAVAILABLE, "Prometheus at " + HttpProbe.display(
          settings.prometheusUrl()) + " cannot be reached (" + HttpProbe.reason(e)
          + "): check " + path + ".prometheusUrl and that it runs");
    }
    if (response.status() == 401 || response.status() == 403) {
      throw Failures.of(FailureType.BAD_CREDENTIALS, "Prometheus refused the request (HTTP "
          + response.status() + "): set or fix " + path + ".bearerToken");
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      throw Failures.of(FailureType.UNAVAILABLE, "Prometheus answered HTTP " + response.status()
          + " without the API's JSON: " + HttpProbe.snippet(response.body())
          + ": is " + path + ".prometheusUrl the Prometheus base URL?");
    }
    if (!"success".equals(body.path("status").asText())) {
      String error = body.path("errorType").asText() + ": " + body.path("error").asText();
      if ("bad_data".equals(body.path("errorType").asText())) {
        throw Failures.of(FailureType.INVALID_INPUT, "Prometheus refused the query in " + where
            + " (" + error + "): fix the PromQL");
      }
      throw Failures.of(FailureType.UNAVAILABLE, "Prometheus could not answer the query in "
          + where + " (HTTP " + response.status() + ", " + error + ")");
    }
    JsonNode data = body.path("data");
    String type = data.path("resultType").asText();
    Double value = null;
    int series = 0;
    if ("vector".equals(type)) {
      for (JsonNode sample : data.path("result")) {
        series++;
        double v = number(sample.path("value").path(1).asText());
        if (!Double.isNaN(v) && (value == null || v > value)) {
          value = v;
        }
      }
    } else if ("scalar".equals(type)) {
      series = 1;
      double v = number(data.path("result").path(1).asText());
      value = Double.isNaN(v) ? null : v;
    } else {
      throw Failures.of(FailureType.INVALID_INPUT, "the query in " + where + " returned a "
          + type + ", not a number: make it an instant vector or scalar, e.g. wrap it in sum()");
    }
    if (value == null) {
      return new Reading(null, series == 0
          ? "the query in " + where + " returned no series: no data yet, or a wrong metric name"
          : "the query in " + where + " returned NaN (no requests in the window?)");
    }
    return new Reading(value, "error rate " + value + " from " + series + " series");
  }

  private static double number(String text) {
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
