package dev.runbook.activities.check;

import static dev.runbook.activities.check.CheckActivitiesImplTest.catchFrom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.CheckActivities.ErrorRateReading;
import dev.runbook.workflows.activities.CheckActivities.ErrorRateRequest;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The error-rate reading against a fake Prometheus: a real HTTP server answering {@code
 * /api/v1/query} in the Prometheus API's JSON format, with the value chosen by the query.
 */
class ErrorRateTest {
  private static final String UNDER = "sum(rate(http_requests_total{job=\"api\",code=~\"5..\"}[5m]))"
      + " / sum(rate(http_requests_total{job=\"api\"}[5m]))";
  private static final String ABOVE = "errors_above";
  private static final String EMPTY = "no_such_metric";
  private static final String TOKEN = "prom-token-123456";

  private FakeHttp prometheus;

  @BeforeEach
  void start() throws Exception {
    prometheus = new FakeHttp().on("/api/v1/query", exchange -> {
      if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        return new FakeHttp.Answer(401, "Unauthorized");
      }
      String query = URLDecoder.decode(exchange.getRequestURI().getRawQuery()
          .substring("query=".length()), StandardCharsets.UTF_8);
      return switch (query) {
        case UNDER -> vector("0.05", "0.031");
        case ABOVE -> vector("0.23", "0.02");
        case EMPTY -> vector();
        default -> new FakeHttp.Answer(400, "{\"status\":\"error\",\"errorType\":\"bad_data\","
            + "\"error\":\"1:1: parse error: unexpected character\"}");
      };
    });
  }

  @AfterEach
  void stop() {
    prometheus.close();
  }

  private static FakeHttp.Answer vector(String... values) {
    StringBuilder result = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      result.append(i == 0 ? "" : ",").append("{\"metric\":{\"instance\":\"api-").append(i)
          .append("\"},\"value\":[1754000000.123,\"").append(values[i]).append("\"]}");
    }
    return new FakeHttp.Answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
        + "\"result\":[" + result + "]}}");
  }

  private CheckActivitiesImpl checks(String query, String token) {
    ErrorRateSettings settings = new ErrorRateSettings(prometheus.url("/"), query, 0.10,
        Secret.of(token), null);
    return new CheckActivitiesImpl(Map.of("api", new ServiceChecks(List.of(), settings),
        "web", ServiceChecks.NONE), Path.of("."));
  }

  @Test
  void underTheThreshold() {
    ErrorRateReading reading = checks(UNDER, TOKEN)
        .errorRate(new ErrorRateRequest("api", true, false));
    assertThat(reading.rate()).isEqualTo(0.05);
    assertThat(reading.threshold()).isEqualTo(0.10);
    assertThat(reading.withinThreshold()).isTrue();
    assertThat(reading.planned()).hasSize(1);
    // The query reaches Prometheus exactly as configured, URL-encoded in one parameter.
    assertThat(prometheus.seen).hasSize(1);
    assertThat(prometheus.seen.get(0).query()).isEqualTo("query=" + UNDER);
    assertThat(reading.planned().get(0)).startsWith("GET " + prometheus.url("/api/v1/query?query="))
        .doesNotContain(TOKEN);
  }

  @Test
  void aboveTheThresholdIsReportedOrEnforced() {
    ErrorRateReading reading = checks(ABOVE, TOKEN)
        .errorRate(new ErrorRateRequest("api", false, false));
    assertThat(reading.rate()).isEqualTo(0.23);
    assertThat(reading.withinThreshold()).isFalse();
    assertThat(reading.detail()).isEqualTo("api: error rate 0.23 is above the threshold 0.1");

    ApplicationFailure f = (ApplicationFailure) catchFrom(() -> checks(ABOVE, TOKEN)
        .errorRate(new ErrorRateRequest("api", true, false)));
    assertThat(f.getType()).isEqualTo(FailureType.ERROR_RATE_ABOVE_THRESHOLD.name());
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage()).contains("0.23", "0.1");
  }

  @Test
  void noSeriesIsUnknownNotZero() {
    ErrorRateReading reading = checks(EMPTY, TOKEN)
        .errorRate(new ErrorRateRequest("api", false, false));
    assertThat(reading.rate()).isNull();
    assertThat(reading.withinThreshold()).isFalse();
    assertThat(reading.detail()).contains("no series");

    ApplicationFailure f = (ApplicationFailure) catchFrom(() -> checks(EMPTY, TOKEN)
        .errorRate(new ErrorRateRequest("api", true, false)));
    assertThat(f.getType()).isEqualTo(FailureType.VERIFICATION_FAILED.name());
  }

  @Test
  void badQueryAndBadTokenArePermanentAndTheTokenNeverShows() {
    ApplicationFailure bad = (ApplicationFailure) catchFrom(() -> checks("sum(", TOKEN)
        .errorRate(new ErrorRateRequest("api", true, false)));
    assertThat(bad.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(bad.isNonRetryable()).isTrue();
    assertThat(bad.getOriginalMessage()).contains("services.api.errorRate.query", "parse error");

    ApplicationFailure refused = (ApplicationFailure) catchFrom(() -> checks(UNDER, "wrong-token-99")
        .errorRate(new ErrorRateRequest("api", true, false)));
    assertThat(refused.getType()).isEqualTo(FailureType.BAD_CREDENTIALS.name());
    assertThat(refused.getOriginalMessage()).contains("services.api.errorRate.bearerToken")
        .doesNotContain("wrong-token-99");
  }

  @Test
  void unreachablePrometheusIsRetryable() {
    String url = "http://127.0.0.1:" + CheckActivitiesImplTest.closedPort();
    CheckActivitiesImpl checks = new CheckActivitiesImpl(Map.of("api", new ServiceChecks(
        List.of(), new ErrorRateSettings(url, UNDER, null, null, null))), Path.of("."));
    ApplicationFailure f = (ApplicationFailure) catchFrom(() ->
        checks.errorRate(new ErrorRateRequest("api", true, false)));
    assertThat(f.getType()).isEqualTo(FailureType.UNAVAILABLE.name());
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage()).contains("connection refused");
  }

  @Test
  void notConfiguredSaysSoAndDryRunQueriesNothing() {
    ErrorRateReading none = checks(UNDER, TOKEN).errorRate(new ErrorRateRequest("web", true, false));
    assertThat(none.rate()).isNull();
    assertThat(none.withinThreshold()).isTrue();
    assertThat(none.detail()).contains("no error-rate check is configured for web");

    ErrorRateReading dry = checks(UNDER, TOKEN).errorRate(new ErrorRateRequest("api", true, true));
    assertThat(dry.rate()).isNull();
    assertThat(dry.planned()).hasSize(1);
    assertThat(prometheus.seen).isEmpty();
  }
}
