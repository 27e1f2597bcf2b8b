package dev.runbook.bench.chart;

import java.util.ArrayList;
import java.util.List;

/** A chart axis: its range and round ticks; a log axis spans whole decades. */
record Axis(double min, double max, boolean log, List<Double> ticks) {
  static Axis linear(double lo, double hi) {
    if (hi <= lo) {
      hi = lo + 1;
    }
    double step = niceStep((hi - lo) / 6);
    double first = Math.floor(lo / step) * step;
    double last = Math.ceil(hi / step) * step;
    List<Double> ticks = new ArrayList<>();
    for (int i = 0; first + i * step <= last + step / 1000; i++) {
      ticks.add(first + i * step);
    }
    return new Axis(first, last, false, ticks);
  }

  static Axis log(double lo, double hi) {
    double first = Math.floor(Math.log10(lo));
    double last = Math.max(first + 1, Math.ceil(Math.log10(hi)));
    List<Double> ticks = new ArrayList<>();
    boolean fine = last - first <= 2; // few decades: label 2 and 5 in each as well
    for (double d = first; d <= last; d++) {
      ticks.add(Math.pow(10, d));
      if (fine && d < last) {
        ticks.add(2 * Math.pow(10, d));
        ticks.add(5 * Math.pow(10, d));
      }
    }
    return new Axis(Math.pow(10, first), Math.pow(10, last), true, ticks);
  }

  double fraction(double v) {
    return log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
  }

  private static double niceStep(double raw) {
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  }
}
