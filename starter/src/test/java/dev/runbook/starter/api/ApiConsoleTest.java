package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.policy.ConsoleLink;
import dev.runbook.workflows.policy.Signed;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The approval console's HTTP surface without a browser: sign-in, the session cookie, CSRF and
 * origin checks on votes, one-time links (used once, expired, another run, someone unknown), the
 * console's headers, and that no token or link reaches the log.
 */
class ApiConsoleTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private static final String SECRET = "console-secret-for-tests-0123456789abcdef";
  private static final String API_RUN = "rollback-api";
  private static final String WEB_RUN = "rollback-web";

  private ApiHarness api;
  private final Signed keys = new Signed(SECRET);

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client, s -> s.withConsole(
        new ConsoleSettings(SECRET, "https://runbook.example.com", Duration.ofMinutes(30), null)),
        () -> "", () -> true);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  private void startP1(String service) {
    var r = api.post("/api/v1/runs/emergency", "erin", """
        {"service": "%s", "severity": "P1", "reason": "checkout errors", "toVersion": "%s", "monitorFor": "PT3M"}"""
        .formatted(service, service.equals("web") ? "w1" : "v1"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    api.rollbackLog.add("rollback-" + service);
    api.awaitPhase("rollback-" + service, Phase.AWAITING_APPROVAL);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(api.url(path)));
  }

  private static HttpRequest.BodyPublisher json(String body) {
    return HttpRequest.BodyPublishers.ofString(body);
  }

  /** Signs in with the person's token; returns the cookie pair and the CSRF token. */
  private String[] signIn(String person) {
    var r = api.send(request("/console/api/signin").header("Content-Type", "application/json")
        .POST(json("{\"token\": \"" + api.tokens.get(person) + "\"}")));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String setCookie = r.header("Set-Cookie");
    return new String[] {setCookie.substring(0, setCookie.indexOf(';')), r.json().path("csrf").asText()};
  }

  private ApiHarness.Answer vote(String[] session, String run, String verb, String body, String origin) {
    HttpRequest.Builder b = request("/console/api/runs/" + run + "/" + verb).header("Content-Type", "application/json")
        .header("Cookie", session[0]).POST(json(body));
    if (session[1] != null) {
      b.header("X-CSRF-Token", session[1]);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return api.send(b);
  }

  private String linkPath(String run, String person, Instant expires) {
    return ConsoleLink.PATH + ConsoleLink.mint(run, person, expires).token(keys);
  }

  @Test
  void signingInSetsAStrictHttpOnlyCookieWithoutTheTokenAndAnApprovalCounts() {
    startP1("api");
    var bad = api.send(request("/console/api/signin").header("Content-Type", "application/json")
        .POST(json("{\"token\": \"not-a-token-anyone-has\"}")));
    assertThat(bad.status()).isEqualTo(401);
    assertThat(bad.header("Set-Cookie")).isNull();

    var r = api.send(request("/console/api/signin").header("Content-Type", "application/json")
        .POST(json("{\"token\": \"" + api.tokens.get("alice") + "\"}")));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String cookie = r.header("Set-Cookie");
    assertThat(cookie).startsWith("runbook_console=").contains("HttpOnly", "SameSite=Strict", "Path=/console",
        "Secure").containsPattern("Max-Age=43(19\\d|200);").doesNotContain(api.tokens.get("alice"));
    assertThat(r.body()).doesNotContain(api.tokens.get("alice"));
    assertThat(r.header("Content-Security-Policy")).isEqualTo(ConsolePages.CSP);
    String[] alice = {cookie.substring(0, cookie.indexOf(';')), r.json().path("csrf").asText()};

    var pending = api.send(request("/console/api/pending").header("Cookie", alice[0]).GET());
    assertThat(pending.json().path("runs").get(0).path("workflowId").asText()).isEqualTo(API_RUN);

    var approved = vote(alice, API_RUN, "approve", "{\"comment\": \"looks right\"}", api.url(""));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    assertThat(api.status(API_RUN).pendingApproval()).isNull();
    assertThat(api.logLines()).noneMatch(l -> l.contains(api.tokens.get("alice")));
  }

  @Test
  void aVoteWithoutTheCsrfHeaderOrFromAnotherOriginIsRefusedAndNotCounted() {
    startP1("api");
    String[] alice = signIn("alice");

    var noHeader = vote(new String[] {alice[0], null}, API_RUN, "approve", "{}", null);
    assertThat(noHeader.status()).isEqualTo(403);
    assertThat(noHeader.error()).isEqualTo("csrf");
    var wrongToken = vote(new String[] {alice[0], "guessed"}, API_RUN, "approve", "{}", null);
    assertThat(wrongToken.status()).isEqualTo(403);
    var otherOrigin = vote(alice, API_RUN, "approve", "{}", "https://evil.example");
    assertThat(otherOrigin.status()).isEqualTo(403);
    assertThat(otherOrigin.error()).isEqualTo("cross_origin");
    var crossSite = api.send(request("/console/api/runs/" + API_RUN + "/approve").header("Content-Type", "application/json")
        .header("Cookie", alice[0]).header("X-CSRF-Token", alice[1]).header("Sec-Fetch-Site", "cross-site").POST(json("{}")));
    assertThat(crossSite.status()).isEqualTo(403);
    var noCookie = api.send(request("/console/api/runs/" + API_RUN + "/approve").header("Content-Type", "application/json")
        .header("X-CSRF-Token", alice[1]).POST(json("{}")));
    assertThat(noCookie.status()).isEqualTo(401);

    assertThat(api.status(API_RUN).pendingApproval().approvedBy()).isEmpty();
    assertThat(vote(alice, API_RUN, "approve", "{}", "https://runbook.example.com").status()).isEqualTo(200);
  }

  @Test
  void theRunRefusesTheRequesterAndTheConsoleSaysWhy() {
    startP1("api");
    var self = vote(signIn("erin"), API_RUN, "approve", "{}", null);
    assertThat(self.status()).isEqualTo(403);
    assertThat(self.message()).startsWith("erin requested this run and cannot approve it");
    var noReason = vote(signIn("alice"), API_RUN, "reject", "{}", null);
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.message()).contains("reason is required");
  }

  @Test
  void aLinkOpensOnceForItsRunOnlyAndRedirectsToACleanUrl() {
    startP1("api");
    startP1("web");
    String path = linkPath(API_RUN, "alice", Instant.now().plusSeconds(600));

    var opened = api.send(request(path).GET());
    assertThat(opened.status()).isEqualTo(303);
    assertThat(opened.header("Location")).isEqualTo("/console/runs/" + API_RUN);
    assertThat(opened.header("Referrer-Policy")).isEqualTo("no-referrer");
    String cookie = opened.header("Set-Cookie");
    var me = api.send(request("/console/api/me").header("Cookie", cookie.substring(0, cookie.indexOf(';'))).GET());
    String[] session = {cookie.substring(0, cookie.indexOf(';')), me.json().path("csrf").asText()};
    assertThat(me.json().path("run").asText()).isEqualTo(API_RUN);

    var other = vote(session, WEB_RUN, "approve", "{}", null);
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.message()).contains("covers that run only");
    assertThat(api.send(request("/console/api/runs/" + WEB_RUN).header("Cookie", session[0]).GET()).status())
        .isEqualTo(403);
    assertThat(vote(session, API_RUN, "approve", "{}", null).status()).isEqualTo(200);

    var again = api.send(request(path).GET());
    assertThat(again.status()).isEqualTo(410);
    assertThat(again.body()).contains("This link was used already").contains("Sign in with your token");
    assertThat(again.header("Set-Cookie")).isNull();
    assertThat(api.logLines()).noneMatch(l -> l.contains(path.substring(ConsoleLink.PATH.length())))
        .anyMatch(l -> l.contains("/console/l/..."));
  }

  @Test
  void anExpiredForgedOrUnknownPersonsLinkIsAClearPage() {
    var expired = api.send(request(linkPath(API_RUN, "alice", Instant.now().minusSeconds(5))).GET());
    assertThat(expired.status()).isEqualTo(410);
    assertThat(expired.body()).contains("This link has expired").contains("Sign in with your API token");
    assertThat(expired.header("Content-Security-Policy")).isEqualTo(ConsolePages.CSP);

    String forged = ConsoleLink.mint(API_RUN, "alice", Instant.now().plusSeconds(600))
        .token(new Signed("another-installation-secret-0123456789"));
    assertThat(api.send(request(ConsoleLink.PATH + forged).GET()).status()).isEqualTo(404);

    var unknown = api.send(request(linkPath(API_RUN, "mallory", Instant.now().plusSeconds(600))).GET());
    assertThat(unknown.status()).isEqualTo(403);
    assertThat(unknown.body()).contains("mallory is no longer under people");
  }

  @Test
  void theConsoleServesItsPagesWithItsOwnPolicyAndTheApiDocumentLeavesThemOut() {
    var page = api.send(request("/console").GET());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy")).isEqualTo(ConsolePages.CSP);
    assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(page.header("Cache-Control")).isEqualTo("no-store");
    assertThat(page.body()).contains("name=\"viewport\"").doesNotContain("<script>").doesNotContain("style=");
    assertThat(api.send(request("/console/console.js").GET()).header("Content-Type")).startsWith("text/javascript");
    assertThat(api.send(request("/console/api/me").GET()).status()).isEqualTo(401);
    assertThat(api.get("/healthz", null).header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
    assertThat(api.server.routes()).noneMatch(r -> r.contains("/console"));
  }
}
