package dev.runbook.bench;

/**
 * What a comparison must show: a bound on the ratio of the medians (ours / theirs), or on our
 * median alone, or nothing (a figure recorded for reference).
 */
public record Target(Kind kind, double bound, String text) {
  public enum Kind { RATIO_AT_MOST, RATIO_AT_LEAST, MEDIAN_AT_MOST, NONE }

  public static Target ratioAtMost(double bound) {
    return new Target(Kind.RATIO_AT_MOST, bound, "ratio <= " + Figures.format(bound));
  }

  public static Target ratioAtLeast(double bound) {
    return new Target(Kind.RATIO_AT_LEAST, bound, "ratio >= " + Figures.format(bound));
  }

  /** A bound on our median, in the unit of our samples. */
  public static Target medianAtMost(double bound, String unit) {
    return new Target(Kind.MEDIAN_AT_MOST, bound, "median <= " + Figures.format(bound) + " " + unit);
  }

  public static Target none() {
    return new Target(Kind.NONE, 0, "(reference)");
  }

  /**
   * Met, missed, or "-" when there is nothing to judge; a ratio over a median that is zero or
   * negative (a floor within the clocks' noise) cannot be judged and says so.
   */
  public String verdict(Samples ours, Samples theirs) {
    if ((kind == Kind.RATIO_AT_MOST || kind == Kind.RATIO_AT_LEAST) && theirs != null && theirs.median() <= 0) {
      return "not judged: theirs <= 0";
    }
    return switch (kind) {
      case NONE -> "-";
      case MEDIAN_AT_MOST -> ours.median() <= bound ? "met" : "MISSED";
      case RATIO_AT_MOST -> theirs == null ? "-" : ratio(ours, theirs) <= bound ? "met" : "MISSED";
      case RATIO_AT_LEAST -> theirs == null ? "-" : ratio(ours, theirs) >= bound ? "met" : "MISSED";
    };
  }

  static double ratio(Samples ours, Samples theirs) {
    return ours.median() / theirs.median();
  }
}
