package dev.runbook.workflows.model;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A standard five-field cron expression (minute, hour, day of month, month, day of week) in a
 * time zone, UTC unless one is given. Plain computation with no clock of its own: a workflow asks
 * it for the next firing after {@code Workflow.currentTimeMillis()}, the same on every replay.
 *
 * <p>Each field takes an asterisk (every value), a number, a range {@code a-b}, a step over
 * either ({@code 0-59/15}, or an asterisk followed by {@code /15}), and lists of those; months and days of the week also by name (JAN, MON). When both the
 * day of month and the day of week are restricted, either one matching is enough, as in cron. The
 * shorthands {@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly} and {@code @yearly}
 * stand for their five fields. In a time zone with daylight saving, a time that does not exist
 * that day fires at the first minute after the gap, and a time that occurs twice fires once.
 *
 * @param expression the five fields, e.g. {@code 0 3 * * *}
 * @param timezone a region such as {@code Europe/Berlin}; null means UTC
 */
public record CronSchedule(String expression, String timezone) {
  private static final String EXAMPLE = "five fields: minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\"";
  private static final Map<String, String> SHORTHANDS = Map.of(
      "@hourly", "0 * * * *", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@weekly", "0 0 * * 0",
      "@monthly", "0 0 1 * *", "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *");
  private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
      "NOV", "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  /** Where the check that an expression fires at all starts from (any day does). */
  private static final Instant SOME_DAY = Instant.parse("2026-01-01T00:00:00Z");
  /** Far enough to meet any expression that fires at all (29 February comes back within 8 years). */
  private static final int YEARS_AHEAD = 9;

  /** The parsed fields: bit n set when value n matches. */
  private record Fields(long minutes, long hours, long days, long months, long weekdays, boolean anyDay,
      boolean anyWeekday) {
    boolean matchesDay(LocalDate d) {
      boolean day = (days >> d.getDayOfMonth() & 1) != 0;
      boolean weekday = (weekdays >> (d.getDayOfWeek().getValue() % 7) & 1) != 0;
      if (anyDay || anyWeekday) {
        return day && weekday;
      }
      return day || weekday;
    }
  }

  /** A schedule in UTC. */
  public static CronSchedule utc(String expression) {
    return new CronSchedule(expression, null);
  }

  /** The time zone the expression is read in. */
  public ZoneId zone() {
    return timezone == null || timezone.isBlank() ? ZoneOffset.UTC : ZoneId.of(timezone.strip());
  }

  /** The expression and its zone, as people read it: {@code 0 3 * * * (Europe/Berlin)}. */
  public String describe() {
    return (expression == null ? "" : expression.strip()) + " (" + (timezone == null || timezone.isBlank()
        ? "UTC" : timezone.strip()) + ")";
  }

  /**
   * The problems with this schedule, each naming {@code path} and the fix; empty when it is valid
   * and fires at least once.
   */
  public List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    if (timezone != null) {
      try {
        ZoneId.of(timezone.strip());
      } catch (DateTimeException e) {
        p.add(path + ".timezone '" + Validation.printable(timezone) + "' is not a time zone: use a region such as"
            + " Europe/Berlin or America/New_York, or leave it out for UTC");
      }
    }
    if (expression == null || expression.isBlank()) {
      p.add(path + ".schedule is required: " + EXAMPLE);
      return p;
    }
    try {
      parse(expression);
    } catch (IllegalArgumentException e) {
      p.add(path + ".schedule '" + Validation.printable(expression) + "': " + e.getMessage());
      return p;
    }
    if (p.isEmpty() && next(SOME_DAY) == null) {
      p.add(path + ".schedule '" + Validation.printable(expression) + "' never fires (no such date): check the"
          + " day of month and the month");
    }
    return p;
  }

  /**
   * The first firing strictly after {@code after}, or null when the expression never fires.
   *
   * @throws IllegalArgumentException when the expression is not valid ({@link #problems} says why)
   * @throws java.time.DateTimeException when the zone is not one
   */
  public Instant next(Instant after) {
    Fields f = parse(expression);
    ZoneId zone = zone();
    // Every local time up to the one of `after` fires no later than `after` (see firing).
    LocalDateTime t = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    int lastYear = t.getYear() + YEARS_AHEAD;
    while (t.getYear() <= lastYear) {
      if ((f.months() >> t.getMonthValue() & 1) == 0) {
        t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
      } else if (!f.matchesDay(t.toLocalDate())) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
      } else if ((f.hours() >> t.getHour() & 1) == 0) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if ((f.minutes() >> t.getMinute() & 1) == 0) {
        t = t.plusMinutes(1);
      } else {
        Instant at = firing(t, zone);
        if (at.isAfter(after)) {
          return at;
        }
        t = t.plusMinutes(1); // the second pass of a repeated hour: it fired on the first
      }
    }
    return null;
  }

  /**
   * When local time {@code t} fires: a time skipped by a daylight-saving change fires when the
   * gap ends; a time that happens twice fires the first time.
   */
  private static Instant firing(LocalDateTime t, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    List<ZoneOffset> offsets = rules.getValidOffsets(t);
    if (offsets.isEmpty()) {
      return rules.getTransition(t).getInstant();
    }
    return t.toInstant(offsets.get(0));
  }

  private static Fields parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("it is empty: write " + EXAMPLE);
    }
    String text = expression.strip();
    if (text.startsWith("@")) {
      String five = SHORTHANDS.get(text.toLowerCase(Locale.ROOT));
      if (five == null) {
        throw new IllegalArgumentException("'" + Validation.printable(text) + "' is not a shorthand cron knows: use"
            + " @hourly, @daily, @weekly, @monthly or @yearly, or " + EXAMPLE);
      }
      text = five;
    }
    String[] parts = text.split("\\s+");
    if (parts.length != 5) {
      throw new IllegalArgumentException("it has " + parts.length + " field" + (parts.length == 1 ? "" : "s")
          + ", not five: write " + EXAMPLE);
    }
    long weekdays = field(parts[4], "day of week", 0, 7, DAYS);
    if ((weekdays >> 7 & 1) != 0) {
      weekdays = (weekdays | 1) & ~(1L << 7); // 7 is Sunday too
    }
    return new Fields(
        field(parts[0], "minute", 0, 59, null),
        field(parts[1], "hour", 0, 23, null),
        field(parts[2], "day of month", 1, 31, null),
        field(parts[3], "month", 1, 12, MONTHS),
        weekdays,
        parts[2].startsWith("*"),
        parts[4].startsWith("*"));
  }

  /** One field as a bit set. */
  private static long field(String text, String name, int min, int max, String[] names) {
    long bits = 0;
    for (String item : text.split(",", -1)) {
      if (item.isEmpty()) {
        throw new IllegalArgumentException("the " + name + " field '" + text + "' has an empty list item");
      }
      int step = 1;
      String range = item;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        step = number(item.substring(slash + 1), name + " step", 1, max - min + 1, null);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else {
        int dash = range.indexOf('-');
        from = number(dash < 0 ? range : range.substring(0, dash), name, min, max, names);
        to = dash < 0 ? (slash >= 0 ? max : from) : number(range.substring(dash + 1), name, min, max, names);
        if (to < from) {
          throw new IllegalArgumentException("the " + name + " range '" + range + "' runs backwards: write the"
              + " smaller value first");
        }
      }
      for (int v = from; v <= to; v += step) {
        bits |= 1L << v;
      }
    }
    return bits;
  }

  private static int number(String text, String name, int min, int max, String[] names) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equalsIgnoreCase(text)) {
          return names == MONTHS ? i + 1 : i;
        }
      }
    }
    int v;
    try {
      v = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the " + name + " '" + Validation.printable(text) + "' is not a number"
          + (names == null ? "" : " or a name (" + String.join(", ", names) + ")") + ": write " + EXAMPLE);
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException("the " + name + " " + v + " is out of range: use " + min + " to " + max);
    }
    return v;
  }
}
