package dev.runbook.activities.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.activities.ledger.Release;
import dev.runbook.activities.ledger.ReleaseHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rollback's target over a service's life, when the service can say what it runs and when it cannot. */
class TargetChooserTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private final List<Release> rows = new ArrayList<>();

  private void deployed(String version, int minutes, boolean verified, boolean rolledBack) {
    Instant at = T0.plus(Duration.ofMinutes(minutes));
    rows.add(0, new Release(rows.size() + 1, "shop", version, null, at, "ci", "recorded", null, null, false,
        verified ? at.plusSeconds(30) : null, verified ? "ci" : null,
        rolledBack ? at.plusSeconds(60) : null, rolledBack ? "rollback-shop" : null, rolledBack ? "5xx" : null));
  }

  private String target(String current) {
    ReleaseHistory h = new ReleaseHistory("shop", rows, null, T0.plus(Duration.ofHours(1)));
    return TargetChooser.choose("shop", h, List.of(), current, null, false, List.of()).version();
  }

  @Test
  void aServiceDownOnItsNewReleaseGoesBackToTheOneBeforeNotToThatRelease() {
    deployed("v1", 0, true, false);
    deployed("v2", 10, true, false); // CI verified it; it broke later and the service is now down

    assertThat(target("v2")).isEqualTo("v1");
    assertThat(target(null)).as("the service says no version: v2, the ledger's newest release, runs").isEqualTo("v1");
    ReleaseHistory h = new ReleaseHistory("shop", rows, null, T0.plus(Duration.ofHours(1)));
    assertThat(TargetChooser.choose("shop", h, List.of(), null, null, false, List.of()).why())
        .contains("shop says no version now, so v2, the ledger's newest release, counts as the one running");
  }

  @Test
  void whenNothingButTheRunningReleaseIsGoodTheRefusalSaysWhatItAssumedAndHowToChoose() {
    deployed("v1", 0, true, false);
    deployed("v2", 10, true, true);
    deployed("v1", 20, true, false);

    assertThatThrownBy(() -> target(null))
        .hasMessageContaining("no version is known good (running now: unknown; shop says no version now, so v1")
        .hasMessageContaining("Pass --to-version VERSION");
  }
}
