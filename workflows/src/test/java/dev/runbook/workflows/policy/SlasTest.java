package dev.runbook.workflows.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlasTest {
  @Test
  void theVerdictSaysWithinOrOverAndByHowMuch() {
    assertThat(Slas.verdict(Duration.ofSeconds(252), Duration.ofMinutes(10))).isEqualTo("within SLA (4m12s of 10m)");
    assertThat(Slas.verdict(Duration.ofMinutes(10), Duration.ofMinutes(10))).isEqualTo("within SLA (10m of 10m)");
    assertThat(Slas.verdict(Duration.ofSeconds(785), Duration.ofMinutes(10)))
        .isEqualTo("over SLA by 3m05s (13m05s of 10m)");
    assertThat(Slas.format(Duration.ofSeconds(3905))).isEqualTo("1h05m05s");
    assertThat(Slas.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Slas.format(Duration.ofMillis(900))).isEqualTo("0s");
  }

  @Test
  void aWrongDurationOrAnUnknownServiceIsNamedWithItsPath() {
    Slas slas = new Slas(Duration.ZERO, null, null, Map.of("shop", Duration.ofMinutes(5)));

    assertThat(slas.problems("slas", Set.of("web"))).containsExactlyInAnyOrder(
        "slas.emergency: PT0S is not a positive duration: write how long a rollback may take, e.g. 10m",
        "slas.services: 'shop' is not under services: add it there or remove it here");
  }

  @Test
  void aServiceWrittenWithoutItsDurationIsNamed() {
    Map<String, Duration> services = new java.util.HashMap<>();
    services.put("web", null);

    assertThat(new Slas(null, null, null, services).problems("slas", Set.of("web"))).containsExactly(
        "slas.services.web: empty: write how long a rollback of this service may take, e.g. 5m");
  }
}
