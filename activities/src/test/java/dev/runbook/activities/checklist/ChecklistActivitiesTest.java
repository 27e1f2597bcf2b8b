package dev.runbook.activities.checklist;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.database.DatabaseSettings;
import dev.runbook.activities.notify.JdbcStatuspageIncidents;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.ChecklistActivities.CheckRequest;
import dev.runbook.workflows.activities.ChecklistActivities.ItemCheck;
import dev.runbook.workflows.activities.ChecklistActivities.ItemRecord;
import dev.runbook.workflows.activities.ChecklistActivities.Plan;
import dev.runbook.workflows.activities.ChecklistActivities.PlanRequest;
import dev.runbook.workflows.activities.ServiceActivities.HealthReading;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.policy.Person;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checklist activities on a real PostgreSQL: the plan, the checks, the record (twice = once). */
class ChecklistActivitiesTest {
  private static final Instant DUE = Instant.parse("2026-11-27T05:00:00Z");

  private static ItemCheckSettings sql(String database, String query, String expect) {
    return new ItemCheckSettings(null, null, null, new ItemCheckSettings.Sql(database, query, expect), null);
  }

  private static ChecklistSettings emergency() {
    return new ChecklistSettings(List.of("succeeded", "cancelled"), null, null, null, List.of(
        new ChecklistSettings.Item("health", "Health checks passing", Duration.ofHours(1), "sre", null,
            new ItemCheckSettings(Map.of(), null, null, null, null)),
        new ChecklistSettings.Item("orders", "Order flow tested", Duration.ofHours(1), "sre", null,
            sql("shop", "select count(*) from orders where state = 'stuck'", "0")),
        new ChecklistSettings.Item("payments", "Payment processing verified", Duration.ofHours(1), "sre", null,
            sql("shop", "select bool_and(state = 'paid') from orders", null)),
        new ChecklistSettings.Item("status", "Status page updated to resolved", Duration.ofHours(1), "sre", null,
            new ItemCheckSettings(null, null, null, null, "public")),
        new ChecklistSettings.Item("review", "Post-mortem scheduled", Duration.ofHours(4), "lead", null, null)));
  }

  private static ChecklistActivitiesImpl activities(HikariDataSource audit, Map<String, DatabaseSettings> dbs,
      List<String> healthy) {
    ItemChecks checks = new ItemChecks(q -> new HealthReading(q.service(), healthy.contains(q.service()), "v1",
        null), null, dbs, new JdbcStatuspageIncidents(audit));
    return new ChecklistActivitiesImpl(Map.of("emergency", emergency()),
        () -> List.of(new Person("alice", List.of("sre"))), checks, new ChecklistStore(audit));
  }

  private static DatabaseSettings shop(String physical) {
    LocalPostgres pg = TestPostgres.server();
    return new DatabaseSettings(pg.host(), pg.port(), physical, pg.user(), pg.password(), null, null, 1, null,
        Duration.ofMinutes(1), Duration.ofSeconds(2), null, Map.of(), List.of(), null);
  }

  private static ChecklistItemState open(String id) {
    return new ChecklistItemState(id, "Order flow tested", "sre", "lead", null, DUE, "open", null, null, null, null,
        null, null);
  }

  private static List<List<Object>> rows(HikariDataSource audit) throws Exception {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = audit.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select * from checklist_items order by seq")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void thePlanIsTheConfiguredItemsForAnOutcomeInAfterAndNoneOtherwise() {
    try (HikariDataSource audit = TestStore.fresh()) {
      ChecklistActivitiesImpl a = activities(audit, Map.of(), List.of());

      Plan plan = a.plan(new PlanRequest("rollback-api", RunbookType.EMERGENCY, "cancelled", List.of("api")));
      assertThat(plan.none()).isNull();
      assertThat(plan.items()).extracting(i -> i.id() + ":" + i.check())
          .containsExactly("health:health", "orders:sql on shop", "payments:sql on shop",
              "status:statuspage public resolved", "review:null");
      assertThat(plan.remindBefore()).isEqualTo(Duration.ofMinutes(15));
      assertThat(plan.checkEvery()).isEqualTo(Duration.ofMinutes(1));
      assertThat(plan.people()).extracting(Person::name).containsExactly("alice");

      assertThat(a.plan(new PlanRequest("rollback-api", RunbookType.EMERGENCY, "failed", List.of())).none())
          .isEqualTo("the run ended failed, which checklists.emergency.after leaves out");
      assertThat(a.plan(new PlanRequest("rollback-full-prod", RunbookType.FULL, "succeeded", List.of())).none())
          .isEqualTo("no checklist is configured for full runs (checklists.full in runbook.yaml)");
    }
  }

  @Test
  void theSqlCheckReadsAConfiguredDatabaseAndPassesOnTheExpectedValueTrueOrNonZero() {
    String db = TestPostgres.freshDatabase("shop");
    TestPostgres.execute(db, "create table orders (id int, state text)",
        "insert into orders values (1, 'paid'), (2, 'stuck')");
    try (HikariDataSource audit = TestStore.fresh()) {
      ChecklistActivitiesImpl a = activities(audit, Map.of("shop", shop(db)), List.of());
      CheckRequest both = new CheckRequest("checklist-rollback-api", "rollback-api", RunbookType.EMERGENCY,
          List.of("api"), List.of("orders", "payments"));

      assertThat(a.check(both)).extracting(ItemCheck::passed, ItemCheck::evidence).containsExactly(
          org.assertj.core.groups.Tuple.tuple(false, "shop: 1 is not 0"),
          org.assertj.core.groups.Tuple.tuple(false, "shop: false"));

      TestPostgres.execute(db, "update orders set state = 'paid'");
      assertThat(a.check(both)).extracting(ItemCheck::passed, ItemCheck::evidence).containsExactly(
          org.assertj.core.groups.Tuple.tuple(true, "shop: 0 = 0"),
          org.assertj.core.groups.Tuple.tuple(true, "shop: true"));
      assertThat(a.check(both)).as("a check run twice reads the same").extracting(ItemCheck::passed)
          .containsExactly(true, true);
    }
  }

  @Test
  void theSqlCheckOnlyReads() {
    String db = TestPostgres.freshDatabase("shop");
    TestPostgres.execute(db, "create table orders (id int, state text)");
    try (HikariDataSource audit = TestStore.fresh()) {
      ItemChecks checks = new ItemChecks(q -> null, null, Map.of("shop", shop(db)), new JdbcStatuspageIncidents(audit));

      ItemCheck c = checks.run("x", sql("shop", "insert into orders values (1, 'x') returning 1", null),
          "rollback-api", List.of());

      assertThat(c.passed()).isFalse();
      assertThat(c.evidence()).contains("read-only");
    }
  }

  @Test
  void healthPassesWhenEveryServiceIsHealthyAndTheStatusPageCheckWhenTheRunsIncidentIsResolved() {
    try (HikariDataSource audit = TestStore.fresh()) {
      ChecklistActivitiesImpl a = activities(audit, Map.of(), List.of("api"));
      CheckRequest r = new CheckRequest("checklist-rollback-full-prod", "rollback-full-prod", RunbookType.EMERGENCY,
          List.of("api", "web"), List.of("health", "status", "review"));

      List<ItemCheck> first = a.check(r);
      assertThat(first.get(0).passed()).isFalse();
      assertThat(first.get(0).evidence()).isEqualTo("api healthy at v1; web unhealthy at v1");
      assertThat(first.get(1).evidence()).isEqualTo("no incident of rollback-full-prod on public yet");
      assertThat(first.get(2).evidence()).contains("'review' has no check");

      JdbcStatuspageIncidents incidents = new JdbcStatuspageIncidents(audit);
      incidents.creating("public", "rollback-full-prod", "Issues with api, web", "k1");
      incidents.created("public", "rollback-full-prod", "inc-42");
      assertThat(a.check(r).get(1).evidence()).isEqualTo("incident inc-42 on public still open");
      incidents.resolved("public", "rollback-full-prod");
      assertThat(a.check(r).get(1)).extracting(ItemCheck::passed, ItemCheck::evidence)
          .containsExactly(true, "incident inc-42 on public resolved");
    }
  }

  @Test
  void aRecordWrittenTwiceChangesNothingTheSecondTimeAndALateOlderStateNeverTakesBackATick() throws Exception {
    try (HikariDataSource audit = TestStore.fresh()) {
      ChecklistActivitiesImpl a = activities(audit, Map.of(), List.of());
      Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      ItemRecord opened = new ItemRecord("checklist-rollback-api", "run-1", "rollback-api", RunbookType.EMERGENCY,
          open("orders"));
      ItemRecord reminded = new ItemRecord("checklist-rollback-api", "run-1", "rollback-api", RunbookType.EMERGENCY,
          open("orders").reminded(at));
      ItemRecord ticked = new ItemRecord("checklist-rollback-api", "run-1", "rollback-api", RunbookType.EMERGENCY,
          open("orders").reminded(at).ticked("alice", at.plusSeconds(60), "tested by hand", null));

      a.record(opened);
      a.record(reminded);
      a.record(ticked);
      List<List<Object>> once = rows(audit);
      a.record(ticked);
      assertThat(rows(audit)).as("the same write again changes nothing").isEqualTo(once);
      a.record(opened);
      a.record(reminded);
      assertThat(rows(audit)).as("older states sent late change nothing").isEqualTo(once);

      ChecklistItemState kept = new ChecklistStore(audit).items("rollback-api").get(0);
      assertThat(kept.state()).isEqualTo("done");
      assertThat(kept.doneBy()).isEqualTo("alice");
      assertThat(kept.note()).isEqualTo("tested by hand");
      assertThat(kept.remindedAt()).isEqualTo(at);
      assertThat(kept.dueAt()).isEqualTo(DUE);
    }
  }

  @Test
  void theStoreReadsTheNewestChecklistOfARunsIdInItsOrder() {
    try (HikariDataSource audit = TestStore.fresh()) {
      ChecklistStore store = new ChecklistStore(audit);
      store.write(new ItemRecord("checklist-rollback-api", "run-1", "rollback-api", RunbookType.EMERGENCY,
          open("orders").ticked("alice", DUE, null, null)));
      store.write(new ItemRecord("checklist-rollback-api", "run-2", "rollback-api", RunbookType.EMERGENCY,
          open("payments")));
      store.write(new ItemRecord("checklist-rollback-api", "run-2", "rollback-api", RunbookType.EMERGENCY,
          open("orders")));

      assertThat(store.items("rollback-api")).extracting(ChecklistItemState::id, ChecklistItemState::state)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("payments", "open"),
              org.assertj.core.groups.Tuple.tuple("orders", "open"));
      assertThat(store.items("rollback-web")).isEmpty();
    }
  }
}
