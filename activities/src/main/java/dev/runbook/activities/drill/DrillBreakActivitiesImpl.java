package dev.runbook.activities.drill;

import dev.runbook.activities.Failures;
import dev.runbook.activities.Heartbeat;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.exec.CommandRunner.Command;
import dev.runbook.workflows.activities.DrillBreakActivities;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.DrillBreak;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * A drill's configuration and command breaks, as the workers' {@code drills:} entry of the target
 * says. A configuration break writes the same values each time, so running it again changes
 * nothing; a command runs at most once per drill once it has succeeded: the drills table records
 * {@code broken_at} and {@code undone_at}, and a retry that finds them set runs nothing.
 */
public final class DrillBreakActivitiesImpl implements DrillBreakActivities {
  /** Writes values over a service's configuration; answers the names written (none: it had them). */
  @FunctionalInterface
  public interface ConfigWriter {
    List<String> overwrite(String service, Map<String, String> values, String takenBy);
  }

  private final DataSource dataSource;
  private final Function<String, BreakSpec> specs;
  private final ConfigWriter configs;
  private final CommandRunner runner = new CommandRunner();

  /** @param specs the break configured for a drill target, or null when it has none */
  public DrillBreakActivitiesImpl(DataSource dataSource, Function<String, BreakSpec> specs, ConfigWriter configs) {
    this.dataSource = dataSource;
    this.specs = specs;
    this.configs = configs;
  }

  @Override
  public BreakResult breakService(BreakRequest r) {
    BreakSpec spec = spec(r);
    if (r.mode() == DrillBreak.CONFIG) {
      List<String> written = configs.overwrite(r.service(), spec.config(), r.drillId() + " (before its break)");
      String names = String.join(", ", spec.config().keySet().stream().sorted().toList());
      return new BreakResult(r.service(), !written.isEmpty(),
          written.isEmpty() ? "had " + names + " already" : "wrote " + names);
    }
    if (marked(r.drillId(), "broken_at")) {
      return new BreakResult(r.service(), false, "ran " + display(spec.command()) + " already for " + r.drillId());
    }
    run("break command", spec.command(), spec, r);
    mark(r.drillId(), "broken_at");
    return new BreakResult(r.service(), true, "ran " + display(spec.command()));
  }

  @Override
  public BreakResult undo(BreakRequest r) {
    BreakSpec spec = specs.apply(r.target());
    if (r.mode() != DrillBreak.COMMAND || spec == null || spec.undo() == null) {
      return new BreakResult(r.service(), false, "no undo command");
    }
    if (marked(r.drillId(), "undone_at")) {
      return new BreakResult(r.service(), false, "ran " + display(spec.undo()) + " already for " + r.drillId());
    }
    run("undo command", spec.undo(), spec, r);
    mark(r.drillId(), "undone_at");
    return new BreakResult(r.service(), true, "ran " + display(spec.undo()));
  }

  private BreakSpec spec(BreakRequest r) {
    BreakSpec spec = specs.apply(r.target());
    if (spec == null || spec.mode() != r.mode()) {
      throw Failures.of(FailureType.INVALID_INPUT, "drill " + r.drillId() + ": no " + r.mode().id() + " break is"
          + " configured for " + r.target() + " on these workers: add break." + r.mode().id() + " to its entry under"
          + " drills in runbook.yaml, or break with a version");
    }
    return spec;
  }

  private void run(String what, List<String> argv, BreakSpec spec, BreakRequest r) {
    Command command = Command.of(argv, spec.timeout())
        .withEnv(Map.of("DRILL_ID", r.drillId(), "DRILL_TARGET", r.target(), "DRILL_SERVICE", r.service()));
    if (spec.workDir() != null) {
      command = command.in(spec.workDir());
    }
    CommandRunner.Result result = runner.run(command, Heartbeat.current().ticker(), line -> { });
    if (!result.ok()) {
      throw Failures.of(FailureType.COMMAND_FAILED, "the " + what + " of drill " + r.drillId() + " ("
          + display(argv) + ") exited " + result.exitCode() + ": " + result.tail(400));
    }
  }

  private static String display(List<String> argv) {
    return String.join(" ", argv);
  }

  private boolean marked(String drillId, String column) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select " + column + " is not null from drills where workflow_id = ?")) {
      ps.setString(1, drillId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    } catch (SQLException e) {
      throw Failures.of(FailureType.UNAVAILABLE, "cannot read drill " + drillId + " from the drills table: "
          + e.getMessage());
    }
  }

  private void mark(String drillId, String column) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "update drills set " + column + " = now() where workflow_id = ? and " + column + " is null")) {
      ps.setString(1, drillId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw Failures.of(FailureType.UNAVAILABLE, "cannot record drill " + drillId + " in the drills table: "
          + e.getMessage());
    }
  }
}
