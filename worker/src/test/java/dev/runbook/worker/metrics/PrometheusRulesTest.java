package dev.runbook.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillReport.DrillOutcome;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunbookType;
import io.temporal.worker.MetricsType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus/runbook-rules.yml names only metrics the processes export, under the names
 * Prometheus sees (counters with _total, timers with _seconds_...), and label values that occur: a
 * rule on a misspelt metric would never fire, and nobody would notice until the night it should.
 */
class PrometheusRulesTest {
  private static final Pattern METRIC = Pattern.compile("\\b((?:runbook|temporal)_[a-z0-9_]+)\\b");
  private static final Pattern OUTCOMES = Pattern.compile("runbook_(runs_finished|drills)_total\\{[^}]*outcome=~?\"([^\"]+)\"");

  private final JsonNode rules = new YAMLMapper().readTree(Path.of("../deploy/prometheus/runbook-rules.yml").toFile());

  PrometheusRulesTest() throws Exception {}

  private List<JsonNode> all() {
    List<JsonNode> out = new ArrayList<>();
    rules.get("groups").forEach(g -> g.get("rules").forEach(out::add));
    return out;
  }

  /** What a worker that has seen every kind of event exports, as Prometheus names it. */
  private static Set<String> exported() {
    Metrics m = new Metrics();
    Instant t = Instant.parse("2026-11-27T03:00:00Z");
    Map<String, String> times = Map.of("startedAt", t.toString(), "finishedAt", t.plusSeconds(5).toString());
    m.onEvent(RunbookType.EMERGENCY, new AuditEvent(1, AuditEventType.RUN_STARTED, t, null, null, "", Map.of("severity", "P1")));
    m.onEvent(RunbookType.EMERGENCY, new AuditEvent(2, AuditEventType.STEP_SUCCEEDED, t, null, "stop-api", "", times));
    m.onEvent(RunbookType.EMERGENCY, new AuditEvent(3, AuditEventType.DECIDED, t, null, null, "", Map.of("action", "retry")));
    m.onEvent(RunbookType.EMERGENCY, new AuditEvent(4, AuditEventType.REFUSED, t, null, null, "", Map.of()));
    m.onEvent(RunbookType.EMERGENCY, new AuditEvent(5, AuditEventType.SLA_MEASURED, t, null, null, "",
        Map.of("tookMs", "1000", "withinSla", "false")));
    m.onEvent(RunbookType.EMERGENCY, new AuditEvent(6, AuditEventType.RUN_FINISHED, t, null, null, "", Map.of("outcome", "failed")));
    m.onDrill(new DrillReport("drill-api", "api", DrillOutcome.ROLLED_BACK, "rolled back", "v9-broken", "v8", true,
        DrillDetection.HEALTH_CHECK, Duration.ofSeconds(42), "rollback-api", Phase.SUCCEEDED, Duration.ofMinutes(2),
        List.of(), Duration.ofMinutes(10), true, Duration.ofMinutes(8), "approved by alice", 1, Duration.ofMinutes(5),
        DrillBreak.VERSION, null, null, null, null));
    Set<String> names = new HashSet<>();
    m.scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> names.add(l.split("[{ ]")[0]));
    for (Field f : MetricsType.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        try {
          String base = (String) f.get(null);
          Stream.of("_total", "_seconds_max", "_seconds_count", "_seconds_sum", "_seconds_bucket", "")
              .forEach(suffix -> names.add(base + suffix));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return names;
  }

  @Test
  void everyRuleHasANameAnExpressionASeverityAndASummary() {
    assertThat(all()).hasSizeGreaterThanOrEqualTo(10);
    Set<String> names = new HashSet<>();
    for (JsonNode r : all()) {
      String name = r.get("alert").asText();
      assertThat(names.add(name)).as("alert names are unique: " + name).isTrue();
      assertThat(r.get("expr").asText()).as(name).isNotBlank();
      assertThat(r.get("labels").get("severity").asText()).as(name).isIn("page", "ticket");
      assertThat(r.get("annotations").get("summary").asText()).as(name).isNotBlank();
    }
  }

  @Test
  void everyMetricARuleReadsIsOneTheProcessesExport() {
    Set<String> exported = exported();
    assertThat(exported).contains("runbook_runs_finished_total", "runbook_sla_runs_total",
        "temporal_workflow_task_execution_failed_total");
    for (JsonNode r : all()) {
      Matcher m = METRIC.matcher(r.get("expr").asText());
      while (m.find()) {
        assertThat(exported).as(r.get("alert").asText() + " reads " + m.group(1)).contains(m.group(1));
      }
    }
  }

  @Test
  void theOutcomesRulesMatchAreOnesRunsAndDrillsEndWith() {
    Set<String> labels = new HashSet<>();
    Stream.of(Phase.values()).filter(Phase::terminal).forEach(p -> labels.add(p.label()));
    Stream.of(DrillOutcome.values()).forEach(o -> labels.add(o.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
    for (JsonNode r : all()) {
      Matcher m = OUTCOMES.matcher(r.get("expr").asText());
      while (m.find()) {
        for (String outcome : m.group(2).split("\\|")) {
          assertThat(labels).as(r.get("alert").asText() + " matches outcome " + outcome).contains(outcome);
        }
      }
    }
  }
}
