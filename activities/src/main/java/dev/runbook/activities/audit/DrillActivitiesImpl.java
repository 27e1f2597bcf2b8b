package dev.runbook.activities.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.runbook.activities.Failures;
import dev.runbook.activities.service.TargetKind;
import dev.runbook.workflows.activities.DrillActivities;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Writes the drills table: a row when a drill starts, its report when it ends. Both are keyed by
 * the drill's ID and change nothing when run again, so a retried activity neither duplicates a
 * row nor counts a drill twice.
 */
public final class DrillActivitiesImpl implements DrillActivities {
  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final DataSource dataSource;
  private final Consumer<DrillReport> onFinished;
  private final Function<String, String> kindOf;

  /**
   * @param onFinished told of each drill's report the first time it is stored (metrics)
   * @param kindOf the kind of a service or environment these workers run (production unless its
   *     configuration says otherwise), or null for one they do not run
   */
  public DrillActivitiesImpl(DataSource dataSource, Consumer<DrillReport> onFinished,
      Function<String, String> kindOf) {
    this.dataSource = dataSource;
    this.onFinished = onFinished;
    this.kindOf = kindOf;
  }

  /**
   * Refuses a drill on anything of kind production, or on what these workers do not run, before
   * its row is written and before the drill breaks anything. The starter refuses the same before a
   * drill exists; this holds for a drill started some other way (the Temporal CLI, an old client).
   */
  @Override
  public void started(String workflowId, DrillRequest r, String rollbackWorkflowId, Instant startedAt) {
    List<String> targets = new ArrayList<>();
    targets.add(r.target());
    targets.addAll(r.restored());
    for (String t : targets.stream().distinct().toList()) {
      String kind = kindOf.apply(t);
      if (kind == null) {
        throw Failures.of(FailureType.INVALID_INPUT, "drill " + workflowId + ": " + t
            + " is not a service or environment these workers run: name a staging one, or configure it");
      }
      if (TargetKind.isProduction(kind)) {
        throw Failures.of(FailureType.INVALID_INPUT, "drill " + workflowId + ": drills never touch production: "
            + t + " is kind production: give a staging one, or write its kind (kind: staging) if it is not"
            + " production");
      }
    }
    write("the start of drill " + workflowId,
        "insert into drills (workflow_id, runbook, target, requested_by, approver, bad_version, detection,"
            + " detection_limit_ms, sla_ms, started_at, rollback_workflow_id, break_with)"
            + " values (?,?,?,?,?,?,?,?,?,?,?,?) on conflict (workflow_id) do nothing",
        workflowId, r.runbook().id(), r.target(), r.requestedBy(), r.approver(), r.brokenWith(),
        label(r.detection().name()), r.detectionLimit().toMillis(), r.sla().toMillis(), Timestamp.from(startedAt),
        rollbackWorkflowId, r.breaking().id());
  }

  @Override
  public void finished(DrillReport report, Instant finishedAt) {
    int changed = write("the report of drill " + report.workflowId(),
        "update drills set finished_at = ?, outcome = ?, message = ?, rollback_workflow_id = ?,"
            + " time_to_detect_ms = ?, time_to_rollback_ms = ?, sla_met = ?,"
            + " sla_difference_ms = ?, restored = ?, detected_by = ?, approval = ?, manual_interventions = ?,"
            + " report = ?::jsonb where workflow_id = ? and finished_at is null",
        Timestamp.from(finishedAt), label(report.outcome().name()), report.message(), report.rollbackWorkflowId(),
        millis(report.timeToDetect()), millis(report.timeToRollBack()), report.slaMet(),
        millis(report.slaDifference()), report.restored(),
        report.detectedBy() == null ? null : label(report.detectedBy().name()), report.approval(),
        report.manualInterventions(), json(report), report.workflowId());
    if (changed == 1) {
      onFinished.accept(report);
    }
  }

  /** "ROLLED_BACK" as the table and the CLI say it: "rolled-back". */
  public static String label(String constant) {
    return constant.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static Long millis(Duration d) {
    return d == null ? null : d.toMillis();
  }

  private static String json(DrillReport report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private int write(String what, String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        if (args[i] == null) {
          ps.setNull(i + 1, Types.NULL);
        } else {
          ps.setObject(i + 1, args[i]);
        }
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw Failures.of(FailureType.UNAVAILABLE, "cannot write " + what + " to the drills table: " + e.getMessage());
    }
  }
}
