package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.worker.support.Browser;
import dev.runbook.worker.support.ChildJvm.Result;
import dev.runbook.worker.temporal.TemporalUi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Temporal UI (2.42.1, built into the Temporal CLI's dev server that `runbook dev` hosts)
 * shows of a real run, read in headless Chromium at a desktop's 1440x1000: the summary, details
 * and current details (the steps and what the run waits for) on the User Metadata tab, the steps'
 * activity summaries there and in the event history, the search attributes and the memo, and the
 * documented query that lists every run awaiting approval. Screenshots of a run awaiting approval
 * and of a finished one go to target/screenshots, or with {@code -Drunbook.screenshots=docs} to
 * docs/temporal-ui-awaiting.png and docs/temporal-ui-finished.png.
 */
class TemporalUiBrowserIT {
  private static final Pattern PAGE = Pattern.compile("Temporal UI: (\\S+)");

  @TempDir Path dir;

  @Test
  void aRunShowsItsSummaryDetailsStepsSearchAttributesAndMemo() throws Exception {
    Path root = Path.of(System.getProperty("user.dir"));
    Path target = Files.createDirectories(root.resolve("target").resolve("screenshots"));
    Path shots = "docs".equals(System.getProperty("runbook.screenshots"))
        ? (Files.exists(root.resolve("docs")) ? root : root.getParent()).resolve("docs") : target;
    try (DevServerFixture f = new DevServerFixture(dir, "temporalui_log");
        Browser browser = Browser.desktop(1440, 1000, dir.resolve("chromedriver.log"))) {
      // A checklist after a successful emergency rollback, so the finished run starts one.
      f.configure("checklists", Map.of("emergency", Map.of("after", List.of("succeeded"), "items", List.of(
          Map.of("id", "review", "title", "Post-incident review scheduled", "within", "4h",
              "owner", "engineering-lead")))));
      String banner = f.startDev();
      TemporalUi ui = new TemporalUi(f.ui(), "default");
      assertThat(banner).contains(ui.awaitingApproval());
      Result started = f.runbook("start", "emergency", "shop", "-s", "P1", "-r", "orders failing since v2",
          "--as", "erin", "--monitor-for", "0m", "--incident", "INC-7");
      assertThat(started.exit()).as(started.toString()).isZero();
      Matcher page = PAGE.matcher(started.out());
      assertThat(page.find()).as(started.out()).isTrue();
      String runPage = page.group(1);
      f.awaitPhase("rollback-shop", "awaiting-approval");

      // The run's page: the history's timeline names each activity by its summary.
      browser.open(runPage);
      browser.awaitText("main", t -> t.contains("rollback-shop") && t.contains("EmergencyRollback")
          && t.contains("• Resolve the target version") && t.contains("• Read the plan"), "the run's history");

      browser.click("[data-testid=user-metadata-tab]");
      List<String> shown = awaitRendered(browser, m -> m.size() == 3 && m.get(2).contains("Waiting for"));
      assertThat(shown.get(0)).as("Summary").isEqualTo("P1 emergency rollback of shop by erin");
      assertThat(shown.get(1)).as("Details").contains("Reason: orders failing since v2")
          .contains("Requested by erin for INC-7");
      assertThat(shown.get(2)).as("Current Details")
          .contains("emergency rollback of shop (P1): awaiting-approval")
          .contains("Load the approval policy: succeeded")
          .contains("Resolve the target version: succeeded (v1")
          .contains("Approval: running (waiting for 1 approval from engineering-lead")
          .contains("Waiting for ");
      assertThat(browser.awaitText("main", t -> t.contains("Events with Metadata"), "the activities' summaries"))
          .contains("Load the approval policy", "Capture evidence: version and health of shop",
              "Capture evidence: error rate of shop", "Resolve the target version", "Read the plan",
              "rollback log: run started");
      browser.screenshot(shots.resolve("temporal-ui-awaiting.png"));

      browser.click("[data-testid=search-attributes-tab]");
      assertThat(browser.awaitText("main", t -> t.contains("indexedFields"), "the search attributes")
          .replaceAll("\\s+", " "))
          .contains("\"Phase\": \"awaiting-approval\"", "\"RunbookType\": \"emergency\"",
              "\"Service\": [ \"shop\" ]", "\"Severity\": \"P1\"");
      browser.click("[data-testid=memo-tab]");
      assertThat(browser.awaitText("main", t -> t.contains("\"fields\""), "the memo"))
          .contains("\"incidentId\": \"INC-7\"", "\"reason\": \"orders failing since v2\"", "\"requestedBy\": \"erin\"");

      // The documented query lists the run while it waits.
      assertThat(listed(browser, ui.awaitingApproval())).containsExactly("rollback-shop");

      Result approved = f.runbook("approve", "rollback-shop", "--as", "alice");
      assertThat(approved.exit()).as(approved.toString()).isZero();
      Result watched = f.runbook("watch", "rollback-shop");
      assertThat(watched.out()).as(watched.toString()).contains("succeeded: rolled back from v2 to v1");

      browser.open(runPage);
      browser.awaitText("main", t -> t.contains("Completed"), "the finished run");
      browser.click("[data-testid=user-metadata-tab]");
      List<String> finished = awaitRendered(browser, m -> m.size() == 3 && m.get(2).contains(": succeeded\n\n"));
      assertThat(finished.get(0)).isEqualTo("P1 emergency rollback of shop by erin");
      assertThat(finished.get(2)).contains("emergency rollback of shop (P1): succeeded")
          .contains("Approval: succeeded").contains("rolled back from v2 to v1");
      assertThat(browser.awaitText("main", t -> t.contains("Deploy v1"), "the deploy step's summary"))
          .contains("notify approved", "Verify health, version v1, smoke checks, error rate", "notify resolved",
              "Read the checklist's plan", "checklist after rollback-shop (succeeded)");
      browser.screenshot(shots.resolve("temporal-ui-finished.png"));

      // What `runbook status` prints: the workflow's page, which opens its latest run.
      browser.open(ui.workflow("rollback-shop"));
      String landed = "";
      for (int i = 0; i < 100 && !landed.equals(runPage); i++) {
        Thread.sleep(200);
        landed = browser.url();
      }
      assertThat(landed).isEqualTo(runPage);

      assertThat(listed(browser, ui.awaitingApproval())).as("no longer awaiting approval").isEmpty();
      assertThat(listed(browser, ui.list("Phase=\"succeeded\""))).containsExactly("rollback-shop");
    }
  }

  /**
   * The texts of the markdown Temporal UI renders on the User Metadata tab, in page order (summary,
   * details, current details), once {@code ready} holds. Each is rendered in its own same-origin
   * iframe ({@code /render?content=...}).
   */
  private static List<String> awaitRendered(Browser browser, Predicate<List<String>> ready) throws InterruptedException {
    List<String> texts = List.of();
    for (int i = 0; i < 150; i++) {
      JsonNode r = browser.script("return Array.from(document.querySelectorAll('iframe[title=output]'))"
          + ".map(f => f.contentDocument && f.contentDocument.body ? f.contentDocument.body.innerText.trim() : '')");
      List<String> now = new ArrayList<>();
      r.forEach(n -> now.add(n.asText()));
      texts = now;
      if (ready.test(texts)) {
        return texts;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Temporal UI did not render the run's metadata; last: " + texts);
  }

  /** The workflow ids the workflows list shows for {@code url} (a list with a query). */
  private static List<String> listed(Browser browser, String url) throws InterruptedException {
    browser.open(url);
    browser.awaitText("main", t -> t.matches("(?s).*\\b\\d+\\s+Workflows?\\b.*"), "the list's count");
    for (int i = 0; i < 50; i++) {
      JsonNode r = browser.script("const rows = document.querySelectorAll('table tbody tr');"
          + " if (document.body.innerText.match(/\\b0\\s+Workflows\\b/)) return [];"
          + " if (rows.length === 0) return null;"
          + " return Array.from(rows).map(tr => Array.from(tr.querySelectorAll('a'))"
          + ".map(a => a.innerText.trim()).find(t => t.length > 0 && !t.match(/^[0-9a-f-]{36}$/)))");
      if (!r.isNull()) {
        List<String> ids = new ArrayList<>();
        r.forEach(n -> ids.add(n.asText()));
        return ids;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the workflows list at " + url + " shows no rows");
  }
}
