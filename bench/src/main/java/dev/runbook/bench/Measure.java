package dev.runbook.bench;

import java.util.List;

/** One benchmark: runs both sides, repeated, and returns its rows. */
public interface Measure {
  /**
   * A short name for {@code --only}: "step-time", "restore-downtime". Every row the measure returns
   * starts its title with it (QuickModeTest checks each measure has a row).
   */
  String name();

  List<Comparison> run(Mode mode) throws Exception;

  /** Quick proves a measure still runs (few repetitions, small sizes); full is the real figure. */
  enum Mode {
    QUICK,
    FULL;

    public int pick(int quick, int full) {
      return this == QUICK ? quick : full;
    }
  }
}
