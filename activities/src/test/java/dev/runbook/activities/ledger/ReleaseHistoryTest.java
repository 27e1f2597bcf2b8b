package dev.runbook.activities.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules that read the ledger: last known good, rolled back from, soak time, schema. */
class ReleaseHistoryTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private final List<Release> rows = new ArrayList<>();
  private long id;

  /** Adds a release deployed {@code minutes} after T0, newest first as the ledger reads them. */
  private Release add(String version, int minutes, boolean verified, boolean rolledBack) {
    Instant at = T0.plus(Duration.ofMinutes(minutes));
    Release r = new Release(++id, "shop", version, "s-" + version, at, "ci", "recorded", null, null, false,
        verified ? at.plusSeconds(30) : null, verified ? "rollback-shop" : null,
        rolledBack ? at.plusSeconds(60) : null, rolledBack ? "rollback-shop" : null, rolledBack ? "5xx" : null);
    rows.add(0, r);
    return r;
  }

  private ReleaseHistory history(Duration soak, int nowMinutes) {
    return new ReleaseHistory("shop", rows, soak, T0.plus(Duration.ofMinutes(nowMinutes)));
  }

  @Test
  void theNewestVerifiedVersionNeverRolledBackFromIsLastKnownGood() {
    add("v1", 0, true, false);
    add("v2", 10, true, false);
    add("v3", 20, false, true);
    ReleaseHistory h = history(null, 30);

    assertThat(h.lastKnownGood("v3")).get().satisfies(c -> {
      assertThat(c.version()).isEqualTo("v2");
      assertThat(c.why()).contains("release ledger", "verified healthy", "never rolled back from");
    });
  }

  @Test
  void aVersionRolledBackFromIsNeverChosenEvenWhenItWasOnceVerified() {
    add("v1", 0, true, false);
    add("v2", 10, true, false);
    add("v3", 20, true, false);
    add("v2", 30, true, false);   // rolled back to v2
    add("v3", 40, false, true);   // v3 again, rolled back from
    ReleaseHistory h = history(null, 50);

    assertThat(h.lastKnownGood("v4")).get().extracting(ReleaseHistory.Choice::version).isEqualTo("v2");
    assertThat(h.lastKnownGood("v2")).get().extracting(ReleaseHistory.Choice::version).isEqualTo("v1");
    assertThat(h.rolledBack("v3")).isPresent();
    assertThat(h.state("v3", "v2")).startsWith("rolled back from by rollback-shop (5xx)");
  }

  @Test
  void theRunningVersionIsNeverTheTarget() {
    add("v1", 0, true, false);
    ReleaseHistory h = history(null, 5);

    assertThat(h.lastKnownGood("v1")).isEmpty();
    assertThat(h.whyNoneGood("v1")).isEqualTo("v1 running now, verified healthy by rollback-shop at "
        + dev.runbook.workflows.model.Shown.time(T0.plusSeconds(30)));
  }

  @Test
  void eachReleaseSaysWhyItIsGoodItsOwnSoakOrAnotherReleaseOfItsVersion() {
    add("v6", 0, false, false);    // recorded, replaced within a minute
    add("v7", 1, false, false);    // ran 2h: its own soak
    add("v6", 121, true, false);   // v6 again, verified
    ReleaseHistory h = history(Duration.ofHours(1), 125);

    assertThat(h.outcome(rows.get(2))).as("the first v6, which never ran its soak time")
        .isEqualTo("superseded, not verified; v6 is good: verified healthy by rollback-shop at "
            + dev.runbook.workflows.model.Shown.time(T0.plus(Duration.ofMinutes(121)).plusSeconds(30)));
    assertThat(h.outcome(rows.get(1))).startsWith("superseded, good (ran 2h from ").endsWith("(soak time 1h))");
    assertThat(h.outcome(rows.get(0))).startsWith("running, verified healthy by rollback-shop");
  }

  @Test
  void anUncheckedReleaseCountsAsGoodOnlyOnceItRanItsSoakTime() {
    add("v1", 0, false, false);
    add("v2", 30, false, false);
    add("v3", 100, false, false);

    // v1 ran 30 min before v2 replaced it, v2 ran 70 min before v3: with a 1 h soak only v2 is proven.
    assertThat(history(Duration.ofHours(1), 110).lastKnownGood("v3")).get()
        .satisfies(c -> {
          assertThat(c.version()).isEqualTo("v2");
          assertThat(c.why()).contains("ran 1h10m").contains("soak time 1h");
        });
    assertThat(history(Duration.ofHours(2), 110).lastKnownGood("v3")).isEmpty();
    // v3 itself has run long enough by now: good, but it is the running one.
    assertThat(history(Duration.ofHours(1), 170).state("v3", "v3")).startsWith("running now, ran 1h10m");
    assertThat(history(Duration.ofHours(2), 110).whyNoneGood("v3"))
        .contains("v1 never verified healthy and ran less than the soak time (2h)");
  }

  @Test
  void theSchemaAVersionRanWithIsItsNewestRecordedOne() {
    add("v1", 0, true, false);
    Release again = add("v1", 20, true, false);
    ReleaseHistory h = history(null, 30);

    assertThat(h.schemaFor("v1")).contains(again.schemaVersion());
    assertThat(h.schemaFor("v9")).isEmpty();
    assertThat(h.knows("v1")).isTrue();
    assertThat(h.knows("v9")).isFalse();
  }

  /** Adds a release with a configuration, newest first; {@code configLeft}: a rollback left its configuration. */
  private Release addWithConfig(String version, String config, int minutes, boolean verified, boolean configLeft) {
    Instant at = T0.plus(Duration.ofMinutes(minutes));
    Release r = new Release(++id, "shop", version, null, at, "ci", "recorded", null, null, false,
        verified ? at.plusSeconds(30) : null, verified ? "ci" : null, null, null, null, config,
        configLeft ? at.plusSeconds(60) : null, configLeft ? "rollback-shop" : null, configLeft ? "bad STRIPE_KEY" : null);
    rows.add(0, r);
    return r;
  }

  @Test
  void theLastKnownGoodConfigurationIsTheNewestVerifiedOneNeverRolledBackFrom() {
    addWithConfig("v1", "cfg-a", 0, true, false);
    addWithConfig("v1", "cfg-b", 10, true, false);
    addWithConfig("v1", "cfg-c", 20, false, true);
    ReleaseHistory h = history(null, 30);

    assertThat(h.lastKnownGoodConfig("cfg-c")).get().satisfies(c -> {
      assertThat(c.snapshot()).isEqualTo("cfg-b");
      assertThat(c.version()).isEqualTo("v1");
      assertThat(c.why()).startsWith("release ledger: newest configuration verified healthy by ci at")
          .endsWith("(with v1) and never rolled back from");
    });
    assertThat(h.lastKnownGoodConfig("cfg-b")).get().extracting(ReleaseHistory.ConfigChoice::snapshot)
        .as("never what runs now").isEqualTo("cfg-a");
    assertThat(h.configRolledBack("cfg-c")).isPresent();
    assertThat(h.configState("cfg-c", "cfg-b")).isEqualTo("rolled back from by rollback-shop (bad STRIPE_KEY)");
  }

  @Test
  void aConfigurationRolledBackFromIsNeverChosenAgainEvenWhenItWasOnceVerified() {
    addWithConfig("v1", "cfg-a", 0, true, false);
    addWithConfig("v1", "cfg-b", 10, true, false);
    addWithConfig("v1", "cfg-a", 20, true, false);   // rolled back to cfg-a
    addWithConfig("v1", "cfg-b", 30, false, true);   // cfg-b again, and left again
    ReleaseHistory h = history(null, 40);

    assertThat(h.lastKnownGoodConfig("cfg-a")).isEmpty();
    assertThat(h.whyNoGoodConfig("cfg-a")).startsWith("cfg-b rolled back from by rollback-shop (bad STRIPE_KEY); cfg-a"
        + " running now, verified healthy by ci at");
    assertThat(h.lastKnownGoodConfig("cfg-z")).get().extracting(ReleaseHistory.ConfigChoice::snapshot).isEqualTo("cfg-a");
  }

  @Test
  void aVersionsConfigurationIsTheOneItLastRanHealthyWith() {
    addWithConfig("v1", "cfg-a", 0, true, false);
    addWithConfig("v2", "cfg-b", 10, true, false);
    addWithConfig("v1", "cfg-c", 20, false, false);   // v1 with cfg-c, never verified
    addWithConfig("v2", "cfg-d", 30, true, true);     // v2 with cfg-d, whose configuration was left
    ReleaseHistory h = history(null, 40);

    assertThat(h.configOf("v1")).get().extracting(ReleaseHistory.ConfigChoice::snapshot).isEqualTo("cfg-a");
    assertThat(h.configOf("v2")).get().extracting(ReleaseHistory.ConfigChoice::snapshot).isEqualTo("cfg-b");
    assertThat(h.configOf("v3")).isEmpty();
    // With a soak time, v1's run with cfg-c (ten minutes until v2 replaced it) proves it good.
    assertThat(history(Duration.ofMinutes(10), 40).configOf("v1")).get()
        .extracting(ReleaseHistory.ConfigChoice::snapshot).isEqualTo("cfg-c");
  }

  @Test
  void releasesWithoutConfigurationsSayTheLedgerHasNone() {
    add("v1", 0, true, false);
    ReleaseHistory h = history(null, 10);

    assertThat(h.lastKnownGoodConfig(null)).isEmpty();
    assertThat(h.whyNoGoodConfig(null)).isEqualTo("no release of shop has a configuration snapshot yet");
  }
}
