package dev.runbook.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.model.RunbookType;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsSlaTest {
  private static AuditEvent measured(long tookMs, boolean within) {
    return new AuditEvent(7, AuditEventType.SLA_MEASURED, Instant.parse("2026-11-21T03:13:05Z"), null,
        "notify-resolved", "verdict", Map.of("sla", "verdict", "slaMs", "600000", "tookMs", Long.toString(tookMs),
            "withinSla", Boolean.toString(within)));
  }

  @Test
  void rollbacksAreCountedWithinOrOverTheirSlaAndTimed() {
    Metrics metrics = new Metrics();
    metrics.onEvent(RunbookType.EMERGENCY, measured(252_000, true));
    metrics.onEvent(RunbookType.EMERGENCY, measured(785_000, false));
    metrics.onEvent(RunbookType.EMERGENCY, measured(300_000, true));

    String scrape = metrics.scrape();
    assertThat(scrape).containsPattern("runbook_sla_runs_total\\{result=\"within\",runbook=\"emergency\"} 2\\.0")
        .containsPattern("runbook_sla_runs_total\\{result=\"over\",runbook=\"emergency\"} 1\\.0")
        .containsPattern("runbook_time_to_rollback_seconds_count\\{runbook=\"emergency\"} 3");
  }
}
