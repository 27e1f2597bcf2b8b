package dev.runbook.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Repeated figures of one measure, in one unit, with their median and spread (p10 to p90). */
public record Samples(String unit, List<Double> values) {
  public Samples {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no samples of " + unit);
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    values = List.copyOf(sorted);
  }

  public static Samples of(String unit, List<Double> values) {
    return new Samples(unit, values);
  }

  public double median() {
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }

  /** The p-th percentile (0..100), nearest rank. */
  public double percentile(double p) {
    int rank = (int) Math.ceil(p / 100.0 * values.size());
    return values.get(Math.max(0, Math.min(values.size() - 1, rank - 1)));
  }

  public double min() {
    return values.get(0);
  }

  public double max() {
    return values.get(values.size() - 1);
  }

  public int count() {
    return values.size();
  }

  /** "12.3 ms" */
  public String medianText() {
    return Figures.format(median()) + " " + unit;
  }

  /** "10.1-15.0 (n=20)": p10 to p90 with 10 or more samples, else min to max. */
  public String spreadText() {
    boolean wide = count() >= 10;
    double lo = wide ? percentile(10) : min();
    double hi = wide ? percentile(90) : max();
    return Figures.format(lo) + "-" + Figures.format(hi) + (wide ? " p10-p90" : " min-max") + " (n=" + count() + ")";
  }
}
