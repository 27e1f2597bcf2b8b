package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.starter.api.Tokens;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.Browser;
import dev.runbook.worker.support.ChildJvm;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.policy.ConsoleLink;
import dev.runbook.workflows.policy.Signed;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approval console in a real headless Chromium (Debian's chromium and chromium-driver over
 * WebDriver) at a phone's 390x844, against a real `runbook dev` (embedded Temporal, a worker with
 * the real adapters, the sample service, PostgreSQL for the sample database and the rollback log).
 * Screenshots of the phone-sized console go to target/screenshots, or with
 * {@code -Drunbook.screenshots=docs} to docs/console-*.png (the ones the README shows).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
  private static final String ERIN = Tokens.newToken();
  private static final String ALICE = Tokens.newToken();
  private static final String SECRET = Tokens.newToken();
  private static final String RUN = "rollback-shop";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Process dev;
  static ServiceActivitiesImpl services;
  static Browser browser;
  static String base;
  static Path docs;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startDevAndBrowser() throws Exception {
    LocalPostgres pg = TestPostgres.server();
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Demo demo = new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook"));
    demo.extractResources();
    demo.createShopDatabase(pg.host(), pg.port(), pg.user(), pg.password().reveal());
    int temporalPort = freePort();
    int apiPort = freePort();
    base = "http://127.0.0.1:" + apiPort;
    Demo.Setup setup = demo.writeConfig(pg.host(), pg.port(), pg.user(), temporalPort, ChildJvm.classpath());
    Path config = setup.configFile();
    var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = yaml.readValue(config.toFile(), java.util.LinkedHashMap.class);
    tree.put("people", List.of(
        Map.of("name", "erin", "roles", List.of("on-call"), "tokenSha256", Tokens.sha256Hex(ERIN)),
        Map.of("name", "alice", "roles", List.of("engineering-lead"), "tokenSha256", Tokens.sha256Hex(ALICE)),
        Map.of("name", "carol", "roles", List.of("engineering-manager"))));
    tree.put("api", Map.of("listen", "127.0.0.1:" + apiPort,
        "console", Map.of("secret", "${RUNBOOK_CONSOLE_SECRET}", "url", base, "linkTtl", "10m")));
    yaml.writeValue(config.toFile(), tree);
    String logDb = TestPostgres.freshDatabase("console_log");
    Map<String, String> env = Map.of(
        "RUNBOOK_DEMO_DB_PASSWORD", pg.password().reveal(),
        "RUNBOOK_CONSOLE_SECRET", SECRET,
        AuditDatabase.ENV_URL, "postgresql://" + pg.user() + ":" + pg.password().reveal() + "@" + pg.host() + ":"
            + pg.port() + "/" + logDb);
    var cfg = ConfigLoader.load(config, env::get);
    services = new ServiceActivitiesImpl(cfg.services(), config.getParent(), dir.resolve(".runbook"));
    demo.deploySampleService(services);

    Path log = dir.resolve("dev.log");
    dev = ChildJvm.start(env, log, "dev", "--in-memory", "--config", config.toString());
    for (int i = 0; i < 120 && !Files.readString(log).contains("Ctrl-C stops it"); i++) {
      assertThat(dev.isAlive()).as(Files.readString(log)).isTrue();
      Thread.sleep(500);
    }
    assertThat(Files.readString(log)).contains("Ctrl-C stops it").contains("/console (sign in with a token");
    browser = new Browser(390, 844, dir.resolve("chromedriver.log"));
    // The screenshots kept in docs/ are refreshed on purpose (-Drunbook.screenshots=docs); a test
    // run writes its own into target/, so running the tests leaves the checkout as it was.
    Path root = Path.of(System.getProperty("user.dir"));
    docs = "docs".equals(System.getProperty("runbook.screenshots"))
        ? (Files.exists(root.resolve("docs")) ? root : root.getParent()).resolve("docs")
        : Files.createDirectories(root.resolve("target").resolve("screenshots"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (dev != null) {
      String log = Files.readString(dir.resolve("dev.log"));
      dev.destroy();
      assertThat(dev.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // Neither a token nor a link's token reaches the log.
      assertThat(log).doesNotContain(ERIN).doesNotContain(ALICE).doesNotContain(SECRET);
    }
    if (services != null) {
      new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook")).stopSampleService(services);
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** erin (on call) asks for a P1 rollback of shop through the bearer API; it waits for a lead. */
  private static void startRun(String reason) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/runs/emergency"))
        .header("Authorization", "Bearer " + ERIN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("service", "shop", "severity", "P1",
            "reason", reason, "monitorFor", "PT0S", "incidentId", "INC-7")))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    awaitPhase("awaiting-approval");
  }

  private static JsonNode status() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/runs/" + RUN))
        .header("Authorization", "Bearer " + ALICE).GET().build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static void awaitPhase(String phase) throws Exception {
    String last = "";
    for (int i = 0; i < 240; i++) {
      last = status().path("phase").asText();
      if (last.equals(phase)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the run never reached " + phase + "; last " + last);
  }

  private static String link(Instant expires) {
    return ConsoleLink.mint(RUN, "alice", expires).url(base, new Signed(SECRET));
  }

  private static void signIn(String token) {
    browser.open(base + "/console");
    browser.awaitText("#signin h1", t -> t.equals("Sign in"), "asks to sign in");
    browser.type("#token", token);
    browser.click("#signin-button");
    browser.awaitText("main", t -> !browser.text("#who").isEmpty() || !browser.text("#signin-error").isEmpty(),
        "signs in or says why not");
    assertThat(browser.text("#signin-error")).isEmpty();
  }

  /** Waits for the run's end on the page; a refusal shown meanwhile fails at once, quoting it. */
  private static String awaitEnd() {
    browser.awaitText("main", t -> browser.text("#progress").startsWith("The run ended")
        || !browser.text("#refusal").isEmpty(), "shows the run's end");
    assertThat(browser.text("#refusal")).as("a refusal").isEmpty();
    return browser.text("#progress");
  }

  private static void signOut() {
    browser.click("#signout");
    browser.awaitText("#signin h1", t -> t.equals("Sign in"), "is the sign-in page");
  }

  @Test
  @Order(1)
  void theRequesterSignsInWithTheirTokenAndTheirOwnApprovalIsRefusedWithTheReason() throws Exception {
    startRun("checkout errors since v2");
    browser.open(base + "/console");
    browser.awaitText("#signin h1", t -> t.equals("Sign in"), "asks to sign in");
    browser.type("#token", "not-anyones-token");
    browser.click("#signin-button");
    assertThat(browser.awaitText("#signin-error", t -> !t.isEmpty(), "names the refusal")).contains("not known");

    signIn(ERIN);
    assertThat(browser.text("#who")).isEqualTo("erin");
    String card = browser.awaitText("#pending-list", t -> t.contains(RUN), "lists the pending run");
    assertThat(card).contains("P1").contains("shop").contains("by erin").contains("checkout errors since v2");
    browser.screenshot(docs.resolve("console-pending.png"));

    browser.click("#pending-list a.run-link");
    browser.awaitText("#run-requester", t -> t.equals("erin"), "shows the requester");
    browser.click("#approve-button");
    String refusal = browser.awaitText("#refusal", t -> !t.isEmpty(), "shows the run's refusal");
    assertThat(refusal).startsWith("erin requested this run and cannot approve it");
    browser.screenshot(docs.resolve("console-refusal.png"));
    assertThat(status().path("pendingApproval").path("approvedBy")).isEmpty();
    signOut();
  }

  @Test
  @Order(2)
  void aOneTimeLinkRejectsWithAReasonAndASecondOpeningIsRefused() throws Exception {
    String link = link(Instant.now().plusSeconds(600));
    browser.open(link);
    browser.awaitText("#run-reason", t -> t.equals("checkout errors since v2"), "opens the run");
    assertThat(browser.url()).isEqualTo(base + "/console/runs/" + RUN);
    assertThat(browser.text("#who")).isEqualTo("alice (this run only)");

    browser.click("#reject-button");
    assertThat(browser.awaitText("#refusal", t -> !t.isEmpty(), "asks for a reason")).contains("reason is required");
    browser.type("#reject-reason", "the error rate dropped on its own");
    browser.click("#reject-button");
    String ended = awaitEnd();
    assertThat(ended).contains("rejected");
    assertThat(browser.text("#actions")).contains("the error rate dropped on its own");
    assertThat(status().path("phase").asText()).isEqualTo("rejected");
    signOut();

    browser.open(link);
    assertThat(browser.text("#notice-title")).isEqualTo("This link was used already");
    assertThat(browser.text("#notice-text")).contains("Sign in with your token or ask for a new link");
  }
  @Test
  @Order(3)
  void anExpiredLinkSaysSoAndHowToSignIn() {
    browser.open(link(Instant.now().minusSeconds(60)));
    assertThat(browser.text("#notice-title")).isEqualTo("This link has expired");
    assertThat(browser.text("#notice-text")).contains("Sign in with your API token");
  }

  @Test
  @Order(4)
  void aLeadApprovesWithTheirTokenAndWatchesTheRunGoOn() throws Exception {
    startRun("payments timing out");
    signIn(ALICE);
    browser.click("#pending-list a.run-link");
    assertThat(browser.awaitText("#run-reason", t -> !t.isEmpty(), "shows the reason")).isEqualTo("payments timing out");
    assertThat(browser.text("#run-services")).isEqualTo("shop");
    assertThat(browser.text("#run-severity")).isEqualTo("P1");
    assertThat(browser.text("#run-incident")).isEqualTo("INC-7");
    assertThat(browser.text("#plan")).isNotBlank();
    assertThat(browser.text("#steps")).contains("succeeded");
    assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
        .as("nothing wider than the phone's screen").isTrue();
    assertThat(browser.script("return window.innerWidth + ' ' + [...document.querySelectorAll('main *')]"
        + ".filter(e => e.getBoundingClientRect().right > 390).map(e => e.id || e.tagName).slice(0, 5).join(',')").asText())
        .as("the page fits the phone's width").isEqualTo("390 ");
    browser.scrollTo("#run-phase");
    browser.screenshot(docs.resolve("console-run.png"));

    browser.type("#approve-comment", "revert looks right");
    browser.click("#approve-button");
    String ended = awaitEnd();
    assertThat(ended).contains("succeeded");
    assertThat(browser.text("#actions")).contains("alice").contains("revert looks right");
    assertThat(browser.text("#steps")).doesNotContain("pending");
    browser.scrollTo("#steps-title");
    browser.screenshot(docs.resolve("console-progress.png"));
    signOut();
  }


  @Test
  @Order(5)
  void aVoteForAPlanThatChangedMeanwhileIsRefusedAndThePageShowsWhatChanged() throws Exception {
    services.deploy(new DeployRequest("shop", "v2", "console-it/redeploy-v2", false));
    startRun("orders failing again");
    signIn(ALICE);
    browser.click("#pending-list a.run-link");
    browser.awaitText("#run-reason", t -> t.equals("orders failing again"), "opens the run");
    String shown = browser.awaitText("#plan-hash", t -> t.matches("[0-9a-f]{64}"), "shows the plan's hash");
    assertThat(browser.text("#plan")).contains("shop: running v2");

    // While alice reads, someone deploys v1 by hand and a vote for the shown plan lets it lapse.
    services.deploy(new DeployRequest("shop", "v1", "console-it/by-hand-v1", false));
    HttpResponse<String> vote = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/runs/" + RUN + "/approve"))
        .header("Authorization", "Bearer " + ALICE).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"planHash\": \"" + shown + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(vote.statusCode()).as(vote.body()).isEqualTo(200);
    for (int i = 0; i < 120 && status().path("pendingApproval").path("lapses").asInt() < 1; i++) {
      Thread.sleep(250);
    }
    awaitPhase("awaiting-approval");

    browser.click("#approve-button"); // the page still holds the old plan
    String refusal = browser.awaitText("#refusal", t -> !t.isEmpty(), "shows the run's refusal");
    assertThat(refusal).contains("you looked at plan " + shown.substring(0, 12))
        .contains("was: shop: running v2").contains("now: shop: running v1");
    assertThat(browser.awaitText("#lapse", t -> !t.isEmpty(), "says why the approval lapsed"))
        .contains("Earlier approvals lapsed (1)");
    assertThat(browser.text("#plan-hash")).isNotEqualTo(shown);
    assertThat(browser.text("#plan")).contains("shop: running v1");

    browser.type("#reject-reason", "v1 is already running: nothing to roll back");
    browser.click("#reject-button");
    assertThat(awaitEnd()).contains("rejected");
    signOut();
  }
}
