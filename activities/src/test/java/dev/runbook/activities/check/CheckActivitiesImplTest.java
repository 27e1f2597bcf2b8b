package dev.runbook.activities.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.activities.Secret;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.CheckActivities;
import dev.runbook.workflows.activities.CheckActivities.CheckReport;
import dev.runbook.workflows.activities.CheckActivities.CheckRequest;
import dev.runbook.workflows.activities.CheckResult;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke checks against real things: an HTTP server on 127.0.0.1, the test PostgreSQL server and
 * child processes.
 */
class CheckActivitiesImplTest {
  @TempDir Path dir;

  private FakeHttp web;
  private String db;

  @BeforeEach
  void setUp() throws Exception {
    web = new FakeHttp()
        .on("/health", 200, "{\"status\":\"ok\",\"build\":{\"version\":\"v2\"}}")
        .on("/down", 503, "{\"status\":\"unhealthy\"}");
    db = TestPostgres.freshDatabase("checks");
    TestPostgres.execute(db, "create table orders (id int primary key)",
        "insert into orders values (1), (2), (3)");
  }

  @AfterEach
  void tearDown() {
    web.close();
  }

  private static CheckSettings http(String name, String url, Integer status, String field,
      String equals) {
    return new CheckSettings(name, new CheckSettings.HttpCheck(url, status, field, equals, null),
        null, null);
  }

  private CheckSettings sql(String name, String query, Double min, Double max, Double equals) {
    LocalPostgres pg = TestPostgres.server();
    return sql(name, query, min, max, equals, pg.password());
  }

  private CheckSettings sql(String name, String query, Double min, Double max, Double equals,
      Secret password) {
    LocalPostgres pg = TestPostgres.server();
    return new CheckSettings(name, null, new CheckSettings.SqlCheck(pg.jdbcUrl(db), pg.user(),
        password, query, min, max, equals, Duration.ofSeconds(10)), null);
  }

  private static CheckSettings command(String name, Integer exitCode, String... argv) {
    return new CheckSettings(name, null, null,
        new CheckSettings.CommandCheck(List.of(argv), exitCode, null, null));
  }

  private CheckActivitiesImpl checks(CheckSettings... smoke) {
    return new CheckActivitiesImpl(Map.of("api", new ServiceChecks(List.of(smoke), null)), dir);
  }

  private static ApplicationFailure failure(Throwable t) {
    assertThat(t).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) t;
  }

  @Test
  void httpStatusAndJsonField() {
    CheckReport report = checks(
        http("up", web.url("/health"), null, null, null),
        http("version", web.url("/health"), 200, "build.version", "v2"),
        http("down-expected", web.url("/down"), 503, "status", "unhealthy"))
        .smokeChecks(new CheckRequest("api", false));

    assertThat(report.passed()).isTrue();
    assertThat(report.checks()).extracting(CheckResult::passed).containsOnly(true);
    assertThat(report.checks().get(1).detail()).contains("build.version = 'v2'");
    assertThat(report.planned()).containsExactly("GET " + web.url("/health"),
        "GET " + web.url("/health"), "GET " + web.url("/down"));
  }

  @Test
  void failedChecksAreListedInOneRetryableFailure() {
    CheckActivitiesImpl checks = checks(
        http("version", web.url("/health"), 200, "build.version", "v3"),
        http("status", web.url("/down"), null, null, null),
        http("nothing-there", "http://127.0.0.1:" + closedPort() + "/health", null, null, null),
        http("passes", web.url("/health"), null, null, null));

    ApplicationFailure f = failure(catchFrom(() -> checks.smokeChecks(
        new CheckRequest("api", false))));
    assertThat(f.getType()).isEqualTo(FailureType.VERIFICATION_FAILED.name());
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage())
        .startsWith("api: 3 of 4 smoke checks failed: ")
        .contains("version (", "'v2', expected 'v3'")
        .contains("status (", "answered 503, expected 200")
        .contains("nothing-there (", "connection refused")
        .doesNotContain("passes");
  }

  @Test
  void sqlComparesOneNumberWithMinMaxEquals() {
    CheckReport report = checks(
        sql("has-orders", "select count(*) from orders", 1.0, null, null),
        sql("exactly-three", "select count(*) from orders", null, null, 3.0),
        sql("max-id", "select max(id) from orders", 1.0, 3.0, null))
        .smokeChecks(new CheckRequest("api", false));
    assertThat(report.passed()).isTrue();
    assertThat(report.checks().get(0).detail()).isEqualTo("the query returned 3");
    assertThat(report.planned().get(0))
        .isEqualTo("SQL (" + TestPostgres.server().jdbcUrl(db) + " as "
            + TestPostgres.server().user() + "): select count(*) from orders");

    ApplicationFailure f = failure(catchFrom(() -> checks(
        sql("too-many", "select count(*) from orders", null, 2.0, null))
        .smokeChecks(new CheckRequest("api", false))));
    assertThat(f.getOriginalMessage()).contains("too-many (the query returned 3, above max 2)");
  }

  @Test
  void sqlRunsReadOnlySoACheckCannotWrite() throws Exception {
    ApplicationFailure f = failure(catchFrom(() -> checks(sql("sneaky",
        "with x as (insert into orders values (99) returning 1) select count(*) from x",
        1.0, null, null)).smokeChecks(new CheckRequest("api", false))));
    assertThat(f.getOriginalMessage()).contains("read-only transaction");
    try (Connection c = TestPostgres.connect(db);
        ResultSet rows = c.createStatement().executeQuery("select count(*) from orders")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(3);
    }
  }

  @Test
  void refusedPasswordAndBrokenQueryArePermanentAndNeverShowTheSecret() {
    Secret wrong = Secret.of("not-the-password-xyz");
    ApplicationFailure bad = failure(catchFrom(() -> checks(
        sql("orders", "select 1", 1.0, null, null, wrong))
        .smokeChecks(new CheckRequest("api", false))));
    assertThat(bad.getType()).isEqualTo(FailureType.BAD_CREDENTIALS.name());
    assertThat(bad.isNonRetryable()).isTrue();
    assertThat(bad.getOriginalMessage()).contains("orders", "fix its user or password")
        .doesNotContain(wrong.reveal())
        .doesNotContain(TestPostgres.server().password().reveal());

    ApplicationFailure syntax = failure(catchFrom(() -> checks(
        sql("orders", "selec count(*) from orders", 1.0, null, null))
        .smokeChecks(new CheckRequest("api", false))));
    assertThat(syntax.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(syntax.isNonRetryable()).isTrue();
  }

  @Test
  void commandExitCode() throws Exception {
    Path marker = dir.resolve("ran");
    CheckReport report = checks(
        command("touches", null, "touch", marker.toString()),
        command("exits-3", 3, "sh", "-c", "exit 3"))
        .smokeChecks(new CheckRequest("api", false));
    assertThat(report.passed()).isTrue();
    assertThat(marker).exists();
    assertThat(report.planned()).containsExactly("touch " + marker, "sh -c 'exit 3'");

    ApplicationFailure f = failure(catchFrom(() -> checks(
        command("fails", null, "sh", "-c", "echo broken >&2; exit 1"))
        .smokeChecks(new CheckRequest("api", false))));
    assertThat(f.getOriginalMessage()).contains("fails (sh -c 'echo broken >&2; exit 1' exited 1,"
        + " expected 0: broken)");

    ApplicationFailure missing = failure(catchFrom(() -> checks(
        command("missing", null, dir.resolve("no-such-program").toString()))
        .smokeChecks(new CheckRequest("api", false))));
    assertThat(missing.isNonRetryable()).isTrue();
  }

  @Test
  void dryRunListsEverythingAndContactsNothing() {
    Path marker = dir.resolve("ran");
    CheckReport report = checks(
        http("up", web.url("/health"), null, null, null),
        sql("orders", "select count(*) from orders", 1.0, null, null),
        command("touches", null, "touch", marker.toString()))
        .smokeChecks(new CheckRequest("api", true));

    assertThat(report.planned()).containsExactly("GET " + web.url("/health"),
        "SQL (" + TestPostgres.server().jdbcUrl(db) + " as " + TestPostgres.server().user()
            + "): select count(*) from orders",
        "touch " + marker);
    assertThat(report.checks()).extracting(CheckResult::detail).containsOnly("dry run: not run");
    assertThat(web.seen).isEmpty();
    assertThat(marker).doesNotExist();
  }

  @Test
  void runningTwiceReadsTwiceAndChangesNothing() throws Exception {
    Path counter = dir.resolve("count");
    CheckActivitiesImpl checks = checks(
        http("up", web.url("/health"), null, null, null),
        sql("orders", "select count(*) from orders", 3.0, 3.0, null),
        command("counts", null, "sh", "-c", "echo x >> \"$0\"", counter.toString()));
    CheckReport first = checks.smokeChecks(new CheckRequest("api", false));
    CheckReport second = checks.smokeChecks(new CheckRequest("api", false));
    assertThat(second).isEqualTo(first);
    assertThat(web.seen).hasSize(2);
    assertThat(Files.readAllLines(counter)).hasSize(2);
  }

  @Test
  void serviceNamesAreCheckedBeforeAnythingRuns() {
    CheckActivitiesImpl checks = checks(http("up", web.url("/health"), null, null, null));
    ApplicationFailure quoted = failure(catchFrom(() ->
        checks.smokeChecks(new CheckRequest("api\"; drop table orders; --", false))));
    assertThat(quoted.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(quoted.isNonRetryable()).isTrue();
    ApplicationFailure unknown = failure(catchFrom(() ->
        checks.smokeChecks(new CheckRequest("web", false))));
    assertThat(unknown.getType()).isEqualTo(FailureType.UNKNOWN_SERVICE.name());
    assertThat(unknown.getOriginalMessage()).contains("known: api");
    assertThat(web.seen).isEmpty();
  }

  @Test
  void heartbeatsEachCheckInsideAnActivity() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      List<String> beats = new CopyOnWriteArrayList<>();
      env.setActivityHeartbeatListener(String.class, beats::add);
      env.registerActivitiesImplementations(checks(
          http("up", web.url("/health"), null, null, null),
          sql("orders", "select count(*) from orders", 1.0, null, null)));
      CheckActivities stub = env.newActivityStub(CheckActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());

      assertThat(stub.smokeChecks(new CheckRequest("api", false)).passed()).isTrue();
      // Heartbeats are throttled, so a fast run reports its first step only.
      assertThat(beats).first().isEqualTo("smoke check 1/2: up");

      assertThatThrownBy(() -> stub.smokeChecks(new CheckRequest("nope", false)))
          .isInstanceOf(ActivityFailure.class)
          .cause().isInstanceOf(ApplicationFailure.class)
          .hasMessageContaining("no service 'nope'");
    } finally {
      env.close();
    }
  }

  static Throwable catchFrom(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }

  static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
