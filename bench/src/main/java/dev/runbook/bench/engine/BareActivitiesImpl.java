package dev.runbook.bench.engine;

/** Does nothing and returns its argument. */
public final class BareActivitiesImpl implements BareActivities {
  @Override
  public int noop(int step) {
    return step;
  }

  @Override
  public int next(int step) {
    return step;
  }
}
