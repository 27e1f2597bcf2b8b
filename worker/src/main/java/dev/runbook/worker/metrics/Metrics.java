package dev.runbook.worker.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.RunbookType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The process's metrics in Prometheus format: the Temporal SDK's own (through Micrometer) and the
 * runbook's: runs started and finished by outcome, how long each step took, and how rollbacks
 * compared with their SLA.
 */
public final class Metrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Scope scope;

  public Metrics() {
    scope =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(registry))
            .reportEvery(com.uber.m3.util.Duration.ofSeconds(10));
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The scope the Temporal SDK reports into. */
  public Scope temporalScope() {
    return scope;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** Counts a rollback-log event the first time it is written (called once per event). */
  public void onEvent(RunbookType runbook, AuditEvent e) {
    String type = runbook.id();
    if (e.type() == AuditEventType.RUN_STARTED) {
      Counter.builder("runbook_runs_started").description("Runbook runs started")
          .tag("runbook", type).tag("severity", e.data().getOrDefault("severity", "none")) // a backup or cleanup has none
          .tag("drill", Boolean.toString(e.data().containsKey("drill")))
          .register(registry).increment();
    } else if (e.type() == AuditEventType.RUN_FINISHED) {
      Counter.builder("runbook_runs_finished").description("Runbook runs finished, by outcome")
          .tag("runbook", type).tag("outcome", String.valueOf(e.data().get("outcome")))
          .register(registry).increment();
    } else if (e.type() == AuditEventType.STEP_SUCCEEDED || e.type() == AuditEventType.STEP_FAILED) {
      Duration took = between(e.data().get("startedAt"), e.data().get("finishedAt"));
      if (took != null && e.step() != null) {
        Timer.builder("runbook_step_duration").description("How long runbook steps took")
            .tag("runbook", type).tag("step", stepName(e.step()))
            .tag("result", e.type() == AuditEventType.STEP_SUCCEEDED ? "succeeded" : "failed")
            .register(registry).record(took);
      }
    } else if (e.type() == AuditEventType.DECIDED) {
      Counter.builder("runbook_decisions").description("Operator decisions on failed steps")
          .tag("runbook", type).tag("action", String.valueOf(e.data().get("action")))
          .register(registry).increment();
    } else if (e.type() == AuditEventType.SLA_MEASURED && e.data().get("tookMs") != null
        // A drill's rollback is counted as a drill (onDrill), never as an incident.
        && !e.data().containsKey("drill")) {
      boolean within = Boolean.parseBoolean(e.data().get("withinSla"));
      Counter.builder("runbook_sla_runs").description("Rollbacks measured against their SLA, within or over it")
          .tag("runbook", type).tag("result", within ? "within" : "over")
          .register(registry).increment();
      Timer.builder("runbook_time_to_rollback").description("From a run's start to rolled back and verified")
          .tag("runbook", type).register(registry).record(Duration.ofMillis(Long.parseLong(e.data().get("tookMs"))));
    } else if (e.type() == AuditEventType.REFUSED) {
      Counter.builder("runbook_refusals").description("Votes and decisions refused")
          .tag("runbook", type).register(registry).increment();
    }
  }

  /** Counts a drill's report the first time it is stored (called once per drill). */
  public void onDrill(DrillReport report) {
    String outcome = report.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    Counter.builder("runbook_drills").description("Rollback drills ended, by outcome and SLA met or missed")
        .tag("target", report.target()).tag("outcome", outcome)
        .tag("sla", report.slaMet() ? "met" : "missed")
        .register(registry).increment();
    if (report.timeToRollBack() != null) {
      Timer.builder("runbook_drill_time_to_rollback").description("A drill's rollback, from the runbook's start to its end")
          .tag("target", report.target()).register(registry).record(report.timeToRollBack());
    }
    if (report.timeToDetect() != null) {
      Timer.builder("runbook_drill_time_to_detect").description("A drill's break, from deployed to seen by its signal")
          .tag("target", report.target()).register(registry).record(report.timeToDetect());
    }
  }

  /** Per-service step IDs ("deploy-api") are folded into their step kind to bound label values. */
  static String stepName(String step) {
    for (String prefix : new String[] {"prepare", "stop", "deploy", "start", "verify", "backup", "revert", "resolve-schema", "compensate"}) {
      if (step.startsWith(prefix + "-")) {
        return prefix;
      }
    }
    return step;
  }

  private static Duration between(String from, String to) {
    if (from == null || to == null) {
      return null;
    }
    try {
      return Duration.between(Instant.parse(from), Instant.parse(to));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
