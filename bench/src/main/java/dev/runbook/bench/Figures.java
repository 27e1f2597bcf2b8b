package dev.runbook.bench;

import java.util.Locale;

/** How figures are written: three significant digits, no exponent. */
final class Figures {
  private Figures() {}

  static String format(double v) {
    double a = Math.abs(v);
    if (a >= 100 || a == 0) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
