package dev.runbook.workflows.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void theNextFiringIsStrictlyAfterTheGivenTimeInUtc() {
    CronSchedule nightly = CronSchedule.utc("0 3 * * *");
    assertThat(nightly.next(at("2026-03-10T01:15:00Z"))).isEqualTo(at("2026-03-10T03:00:00Z"));
    assertThat(nightly.next(at("2026-03-10T03:00:00Z"))).isEqualTo(at("2026-03-11T03:00:00Z"));
    assertThat(nightly.next(at("2026-12-31T23:59:59Z"))).isEqualTo(at("2027-01-01T03:00:00Z"));
    assertThat(CronSchedule.utc("* * * * *").next(at("2026-03-10T01:15:30Z"))).isEqualTo(at("2026-03-10T01:16:00Z"));
    assertThat(nightly.describe()).isEqualTo("0 3 * * * (UTC)");
  }

  @Test
  void listsRangesStepsAndNamesAreRead() {
    CronSchedule weekdays = CronSchedule.utc("*/15 9-17 * * MON-FRI");
    // 2026-03-14 is a Saturday.
    assertThat(weekdays.next(at("2026-03-13T17:50:00Z"))).isEqualTo(at("2026-03-16T09:00:00Z"));
    assertThat(weekdays.next(at("2026-03-16T09:00:00Z"))).isEqualTo(at("2026-03-16T09:15:00Z"));
    assertThat(CronSchedule.utc("0 0 1,15 feb *").next(at("2026-01-20T00:00:00Z"))).isEqualTo(at("2026-02-01T00:00:00Z"));
    assertThat(CronSchedule.utc("5/20 * * * *").next(at("2026-01-20T00:46:00Z"))).isEqualTo(at("2026-01-20T01:05:00Z"));
    assertThat(CronSchedule.utc("0 0 * * 7").next(at("2026-03-10T00:00:00Z"))).isEqualTo(at("2026-03-15T00:00:00Z"));
    assertThat(CronSchedule.utc("@daily").next(at("2026-03-10T00:00:00Z"))).isEqualTo(at("2026-03-11T00:00:00Z"));
  }

  @Test
  void withBothDayFieldsRestrictedEitherOneFires() {
    // The 13th, or any Friday: 2026-03-06 is a Friday before the 13th.
    assertThat(CronSchedule.utc("0 0 13 * 5").next(at("2026-03-01T00:00:00Z"))).isEqualTo(at("2026-03-06T00:00:00Z"));
    assertThat(CronSchedule.utc("0 0 13 * *").next(at("2026-03-01T00:00:00Z"))).isEqualTo(at("2026-03-13T00:00:00Z"));
  }

  @Test
  void aTimeZoneMovesTheFiringWithDaylightSaving() {
    CronSchedule berlin = new CronSchedule("0 3 * * *", "Europe/Berlin");
    assertThat(berlin.next(at("2026-01-10T00:00:00Z"))).isEqualTo(at("2026-01-10T02:00:00Z"));
    assertThat(berlin.next(at("2026-07-10T00:00:00Z"))).isEqualTo(at("2026-07-10T01:00:00Z"));
    assertThat(berlin.describe()).isEqualTo("0 3 * * * (Europe/Berlin)");
  }

  @Test
  void aSkippedTimeFiresWhenTheGapEndsAndARepeatedOneOnce() {
    // Berlin skips 02:00-03:00 on 2026-03-29 (01:00Z) and repeats 02:00-03:00 on 2026-10-25.
    CronSchedule halfPastTwo = new CronSchedule("30 2 * * *", "Europe/Berlin");
    assertThat(halfPastTwo.next(at("2026-03-28T12:00:00Z"))).isEqualTo(at("2026-03-29T01:00:00Z"));
    Instant first = halfPastTwo.next(at("2026-10-24T12:00:00Z"));
    assertThat(first).isEqualTo(at("2026-10-25T00:30:00Z"));
    assertThat(halfPastTwo.next(first)).isEqualTo(at("2026-10-26T01:30:00Z"));
  }

  @Test
  void badExpressionsAreNamedWithTheFix() {
    assertThat(CronSchedule.utc("0 3 * *").problems("databases.shop.backup"))
        .containsExactly("databases.shop.backup.schedule '0 3 * *': it has 4 fields, not five: write five fields:"
            + " minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\"");
    assertThat(CronSchedule.utc("0 25 * * *").problems("b"))
        .containsExactly("b.schedule '0 25 * * *': the hour 25 is out of range: use 0 to 23");
    assertThat(CronSchedule.utc("0 3 * * funday").problems("b")).singleElement().asString()
        .contains("the day of week 'funday' is not a number or a name (SUN, MON, TUE, WED, THU, FRI, SAT)");
    assertThat(CronSchedule.utc("0 17-9 * * *").problems("b")).singleElement().asString()
        .contains("the hour range '17-9' runs backwards");
    assertThat(CronSchedule.utc("@every 5m").problems("b")).singleElement().asString()
        .contains("is not a shorthand cron knows");
    assertThat(CronSchedule.utc("0 0 30 2 *").problems("b"))
        .containsExactly("b.schedule '0 0 30 2 *' never fires (no such date): check the day of month and the month");
    assertThat(new CronSchedule("0 3 * * *", "Europe/Berln").problems("b"))
        .containsExactly("b.timezone 'Europe/Berln' is not a time zone: use a region such as Europe/Berlin or"
            + " America/New_York, or leave it out for UTC");
    assertThat(CronSchedule.utc(null).problems("b")).singleElement().asString().startsWith("b.schedule is required");
    assertThat(new CronSchedule("0 3 * * *", "Asia/Tokyo").problems("b")).isEmpty();
  }
}
