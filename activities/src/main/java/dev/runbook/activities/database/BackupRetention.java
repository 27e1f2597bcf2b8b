package dev.runbook.activities.database;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which backups {@link BackupStore#prune} removes: those beyond the newest {@code keep}, and those
 * older than {@code maxAge}. The newest verified backup is always kept, whatever these say.
 *
 * <pre>
 * retention: { keep: 10, maxAge: P14D }
 * </pre>
 *
 * @param keep how many of the newest backups to keep; null: no count limit
 * @param maxAge remove backups older than this; null: no age limit
 */
public record BackupRetention(Integer keep, Duration maxAge) {
  public List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    if (keep == null && maxAge == null) {
      p.add(path + " has neither keep nor maxAge: give at least one, e.g. keep: 10");
    }
    if (keep != null && keep < 1) {
      p.add(path + ".keep " + keep + " must be at least 1 (the newest verified backup is always kept)");
    }
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      p.add(path + ".maxAge " + maxAge + " must be positive, e.g. P14D");
    }
    return p;
  }
}
