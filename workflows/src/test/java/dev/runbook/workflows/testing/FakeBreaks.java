package dev.runbook.workflows.testing;

import dev.runbook.workflows.activities.DrillBreakActivities;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.DrillBreak;
import io.temporal.failure.ApplicationFailure;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The drills configuration's breaks in the {@link FakeWorld}: a configuration break swaps the
 * service to the snapshot {@link #BROKEN_CONFIG}, which makes it unhealthy; a command break deploys
 * the version a test says the command deploys (or none). Each is done once per drill, as the
 * workers record it in the drills table.
 */
public final class FakeBreaks implements DrillBreakActivities {
  /** The snapshot a configuration break leaves its service on. */
  public static final String BROKEN_CONFIG = "cfg-0000b40c3e11";

  private final FakeWorld world;
  private final Set<String> configured = new HashSet<>();
  private final Map<String, String> commandDeploys = new HashMap<>();
  private final Set<String> done = new HashSet<>();
  private final Set<String> undone = new HashSet<>();

  FakeBreaks(FakeWorld world) {
    this.world = world;
  }

  /** The target's drills entry configures a configuration break. */
  public void configBreak(String target) {
    synchronized (world) {
      configured.add(target + " " + DrillBreak.CONFIG);
    }
  }

  /** The target's drills entry configures a break command, which deploys {@code version} (null: changes no version). */
  public void commandBreak(String target, String version) {
    synchronized (world) {
      configured.add(target + " " + DrillBreak.COMMAND);
      commandDeploys.put(target, version);
    }
  }

  @Override
  public BreakResult breakService(BreakRequest r) {
    synchronized (world) {
      world.enter("DrillBreak.breakService", r.service() + " " + r.mode().id(), false);
      if (!configured.contains(r.target() + " " + r.mode())) {
        throw ApplicationFailure.newNonRetryableFailure("no " + r.mode().id() + " break is configured for " + r.target(),
            FailureType.INVALID_INPUT.name());
      }
      if (!done.add(r.drillId())) {
        return new BreakResult(r.service(), false, "done already for " + r.drillId());
      }
      FakeWorld.Service s = world.service(r.service());
      if (r.mode() == DrillBreak.CONFIG) {
        FakeConfigs.Config c = world.configs.of(r.service());
        c.snapshot(BROKEN_CONFIG, "DATABASE_URL=0badc0de");
        c.current = BROKEN_CONFIG;
        s.misconfigured = true;
        world.mutated();
        return new BreakResult(r.service(), true, "wrote DATABASE_URL");
      }
      String version = commandDeploys.get(r.target());
      if (version != null) {
        s.history.remove(version);
        s.history.add(0, s.version);
        s.version = version;
        world.mutated();
      }
      return new BreakResult(r.service(), true, "ran ./break-staging.sh");
    }
  }

  @Override
  public BreakResult undo(BreakRequest r) {
    synchronized (world) {
      world.enter("DrillBreak.undo", r.service() + " " + r.mode().id(), false);
      boolean changed = undone.add(r.drillId());
      return new BreakResult(r.service(), changed, changed ? "ran ./unbreak-staging.sh" : "done already");
    }
  }
}
