package dev.runbook.activities.database;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How long the safety copies of a database ({@code <db>__before_<run>}, the live database a staged
 * swap replaced) are kept before the cleanup drops them: {@code databases.<name>.safetyCopies}.
 * The newest one is never dropped, nor one whose run still goes on (it may swap back).
 *
 * <pre>
 * safetyCopies: { keep: 7d }
 * </pre>
 *
 * @param keep how long after the swap; default {@link #DEFAULT_KEEP}
 */
public record SafetyCopyRetention(Duration keep) {
  public static final Duration DEFAULT_KEEP = Duration.ofDays(7);

  public SafetyCopyRetention {
    keep = keep == null ? DEFAULT_KEEP : keep;
  }

  public List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    if (keep.isNegative() || keep.isZero()) {
      p.add(path + ".keep " + keep + " must be positive, e.g. 7d (the newest safety copy is always kept)");
    }
    return p;
  }
}
