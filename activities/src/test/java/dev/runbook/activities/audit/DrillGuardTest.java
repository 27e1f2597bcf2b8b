package dev.runbook.activities.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.RunbookType;
import io.temporal.failure.ApplicationFailure;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The workers' own refusal of a drill on production: before the drill's row is written, whoever
 * started it (the product's starter refuses first; the Temporal CLI would not).
 */
class DrillGuardTest {
  private final List<String> connections = new ArrayList<>();
  /** A database that records each connection asked for and is down. */
  private final DataSource down = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
        if (method.getName().equals("getConnection")) {
          connections.add("connect");
          throw new SQLException("connection refused");
        }
        throw new UnsupportedOperationException(method.getName());
      });
  private final Map<String, String> kinds = Map.of("shop", "production", "shop-staging", "staging",
      "staging", "staging", "prod", "production");
  private final DrillActivitiesImpl drills = new DrillActivitiesImpl(down, report -> {}, kinds::get);

  private static DrillRequest emergency(String target) {
    return new DrillRequest(RunbookType.EMERGENCY, target, "v9-bad", DrillDetection.HEALTH_CHECK,
        Duration.ofMinutes(5), Duration.ofMinutes(10), null, "erin", "0123abcd");
  }

  @Test
  void aProductionServiceIsRefusedBeforeTheRowIsWritten() {
    assertThatThrownBy(() -> drills.started("drill-shop-0123abcd", emergency("shop"), "rollback-shop", Instant.now()))
        .isInstanceOfSatisfying(ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(FailureType.INVALID_INPUT.name()))
        .hasMessageContaining("drill drill-shop-0123abcd: drills never touch production: shop is kind production:"
            + " give a staging one, or write its kind (kind: staging) if it is not production");
    assertThat(connections).isEmpty();
  }

  @Test
  void aStagingEnvironmentWithAProductionServiceIsRefusedAndAnUnknownTargetNamed() {
    DrillRequest full = new DrillRequest(RunbookType.FULL, "staging", List.of("shop-staging", "shop"), "shop",
        "v9-bad", DrillDetection.HEALTH_CHECK, Duration.ofMinutes(5), Duration.ofMinutes(10), null, "erin",
        "0123abcd");
    assertThatThrownBy(() -> drills.started("drill-staging-0123abcd", full, "rollback-full-staging", Instant.now()))
        .hasMessageContaining("shop is kind production");
    assertThatThrownBy(() -> drills.started("drill-nowhere-0123abcd", emergency("nowhere"), "rollback-nowhere",
        Instant.now()))
        .hasMessageContaining("nowhere is not a service or environment these workers run");
    assertThat(connections).isEmpty();
  }

  @Test
  void aStagingTargetGoesOnToTheDrillsTable() {
    assertThatThrownBy(() -> drills.started("drill-shop-staging-0123abcd", emergency("shop-staging"),
        "rollback-shop-staging", Instant.now()))
        .isInstanceOfSatisfying(ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(FailureType.UNAVAILABLE.name()))
        .hasMessageContaining("cannot write the start of drill drill-shop-staging-0123abcd to the drills table");
    assertThat(connections).containsExactly("connect");
  }
}
