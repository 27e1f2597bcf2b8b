package dev.runbook.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.checklist.ChecklistSettings;
import dev.runbook.workflows.activities.ChecklistActivities.PlannedItem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checklists section: the example's three lists, and what is refused at load with its path. */
class ChecklistConfigTest {
  private static final String BASE = """
      people:
        - {name: alice, roles: [on-call, engineering-lead]}
        - {name: carol, roles: [engineering-manager]}
      databases:
        shop: {host: 127.0.0.1, database: shop, user: runbook}
      """;

  private static List<String> problems(String checklists) {
    try {
      ConfigLoader.parse(BASE + checklists, "runbook.yaml", Map.<String, String>of()::get);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).startsWith("runbook.yaml has");
      return e.problems();
    }
    throw new AssertionError("expected the checklists section to be refused");
  }

  @Test
  void theExampleHasTheSourceRunbooksThreeListsInTheirWords() {
    RunbookConfig c = ConfigLoader.load(Path.of("..", "runbook.example.yaml"),
        Map.of("SLACK_WEBHOOK_URL", "https://hooks.example/T/B/secret")::get);

    assertThat(c.checklists()).containsOnlyKeys("emergency", "database", "full");
    ChecklistSettings rachelfoods = c.checklists().get("emergency");
    assertThat(rachelfoods.after()).containsExactly("succeeded");
    assertThat(rachelfoods.remindBefore()).isEqualTo(Duration.ofMinutes(15));
    assertThat(rachelfoods.planned()).extracting(PlannedItem::title).contains(
        "All services health checks passing", "Error rate back to normal (< 1%)", "Users can place orders",
        "Status page updated to \"Resolved\"", "Root cause identified", "Incident report published internally");
    assertThat(rachelfoods.planned()).filteredOn(i -> i.within().equals(Duration.ofHours(1))).hasSize(6);
    assertThat(rachelfoods.planned()).filteredOn(i -> i.within().equals(Duration.ofHours(4))).hasSize(4);
    assertThat(rachelfoods.planned()).filteredOn(i -> i.within().equals(Duration.ofHours(24))).hasSize(4);
    assertThat(rachelfoods.planned()).extracting(PlannedItem::id, PlannedItem::check).contains(
        org.assertj.core.groups.Tuple.tuple("health", "health"),
        org.assertj.core.groups.Tuple.tuple("smoke", "smoke checks"),
        org.assertj.core.groups.Tuple.tuple("error-rate", "error rate below 1%"),
        org.assertj.core.groups.Tuple.tuple("payments", "sql on checkout"),
        org.assertj.core.groups.Tuple.tuple("root-cause", null));
    assertThat(c.checklists().get("database").after()).containsExactly("succeeded", "cancelled");
    assertThat(c.checklists().get("database").planned()).extracting(PlannedItem::title)
        .contains("Verify system is stable", "Team post-mortem");
    assertThat(c.checklists().get("full").planned()).extracting(PlannedItem::within)
        .contains(Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofHours(48));
  }

  @Test
  void aGoodSectionTakesDefaultsAndFriendlyDurations() {
    RunbookConfig c = ConfigLoader.parse(BASE + """
        checklists:
          emergency:
            items:
              - {id: orders, title: Users can place orders, within: 1h, owner: on-call,
                 check: {sql: {database: shop, query: "select count(*) from orders", expect: "0"}}}
              - {id: review, title: Review, within: 1h30m, owner: engineering-manager}
        """, "runbook.yaml", Map.<String, String>of()::get);

    ChecklistSettings e = c.checklists().get("emergency");
    assertThat(e.after()).containsExactly("succeeded");
    assertThat(e.checkEvery()).isEqualTo(Duration.ofMinutes(1));
    assertThat(e.closeAfter()).isEqualTo(Duration.ofHours(24));
    assertThat(e.item("review").within()).isEqualTo(Duration.ofMinutes(90));
    assertThat(e.item("orders").check().sql().expect()).isEqualTo("0");
  }

  @Test
  void everyProblemIsRefusedAtLoadNamingItsPathAndTheFix() {
    List<String> p = problems("""
        checklists:
          emergency:
            after: [succeeded, finished]
            items:
              - {id: health, title: Health, within: 1h, owner: on-call, check: {health: {}}}
              - {id: health, title: Again, within: 1h, owner: on-call}
              - {id: smoke, title: Smoke, within: 1h, owner: sre, check: {smoke: {}, health: {}}}
              - {id: Orders!, title: Orders, within: 1h, owner: on-call, check: {sql: {database: billing}}}
              - {id: rate, title: Rate, within: 1h, owner: on-call, escalateTo: cto, check: {errorRate: {below: lots}}}
              - {id: page, title: Page, owner: on-call, check: {statuspage: public}}
          deploy:
            items: []
        """);

    assertThat(p).contains(
        "checklists.emergency.after: 'finished' is not a run outcome: use aborted, cancelled, compensated,"
            + " disarmed, failed, plan-incomplete, refused, rejected, succeeded, timed-out",
        "checklists.emergency.items[1].id: 'health' is used twice: give each item its own id",
        "checklists.emergency.items[2].owner: no person has role 'sre': give someone under people that role",
        "checklists.emergency.items[2].check: give exactly one of health, smoke, errorRate, sql, statuspage (has 2);"
            + " leave check out for a manual item",
        "checklists.emergency.items[3].id: 'Orders!' is not a slug: lower-case letters, digits and '-'",
        "checklists.emergency.items[3].check.sql.database: 'billing' is not under databases: name one of shop",
        "checklists.emergency.items[3].check.sql.query: missing: a query returning one value, e.g. select count(*) = 0 from ...",
        "checklists.emergency.items[4].escalateTo: no person has role 'cto': give someone under people that role",
        "checklists.emergency.items[4].check.errorRate.below: 'lots' is not a rate: write 1% or 0.01",
        "checklists.emergency.items[5].within: missing: the deadline after the run ends, e.g. 1h, 4h, 24h",
        "checklists.emergency.items[5].check.statuspage: 'public' is not a statuspage channel under notify.channels: add one",
        "checklists.deploy: 'deploy' is not a runbook: use emergency, database or full",
        "checklists.deploy.items: empty: list the items, or remove the checklist");
  }
}
