package dev.runbook.activities.database;

import java.math.BigInteger;
import java.util.Comparator;

/**
 * Migration versions compared the way people read them: by numeric parts, so 2 &lt; 10 and
 * 1.2 &lt; 1.10, with '_' read as '.' (Flyway's {@code V1_2}) and trailing zero parts ignored
 * (1.0 equals 1). "0" stands for "no migration applied".
 */
final class Versions {
  static final String NONE = "0";
  static final Comparator<String> ORDER = Versions::compare;

  private Versions() {}

  static int compare(String a, String b) {
    String[] x = parts(a);
    String[] y = parts(b);
    int n = Math.max(x.length, y.length);
    for (int i = 0; i < n; i++) {
      String p = i < x.length ? x[i] : "0";
      String q = i < y.length ? y[i] : "0";
      int c = comparePart(p, q);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  static boolean same(String a, String b) {
    return compare(a, b) == 0;
  }

  private static String[] parts(String v) {
    return v.strip().replace('_', '.').split("\\.");
  }

  private static int comparePart(String p, String q) {
    boolean pn = !p.isEmpty() && p.chars().allMatch(Character::isDigit);
    boolean qn = !q.isEmpty() && q.chars().allMatch(Character::isDigit);
    if (pn && qn) {
      return new BigInteger(p).compareTo(new BigInteger(q));
    }
    if (pn != qn) {
      return pn ? 1 : -1; // 1.0 > 1.0-rc: a number sorts after a label
    }
    return p.compareTo(q);
  }
}
