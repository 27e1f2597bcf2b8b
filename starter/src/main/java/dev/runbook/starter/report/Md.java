package dev.runbook.starter.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Markdown pieces the report and the log share: cells that keep a table a table, times, durations. */
final class Md {
  static final String NOT_RECORDED = "not recorded";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
      .withZone(ZoneOffset.UTC);

  private Md() {}

  /**
   * A value as a table cell: a pipe would end the cell and a newline the row, so pipes are escaped
   * and line breaks become {@code <br>}; an HTML tag the text brings ({@code <}) and backslashes are
   * escaped so they show as written ("3 -> 2" stays readable); null or blank is "-".
   */
  static String cell(String value) {
    if (value == null || value.isBlank()) {
      return "-";
    }
    return value.strip()
        .replace("\\", "\\\\")
        .replace("<", "&lt;")
        .replace("|", "\\|")
        .replace("\r\n", "<br>")
        .replace("\n", "<br>")
        .replace("\r", "<br>");
  }

  /** A value in running text: one line, escaped as a cell is. */
  static String text(String value) {
    return value == null || value.isBlank() ? NOT_RECORDED : cell(value);
  }

  static String time(Instant t) {
    return t == null ? NOT_RECORDED : TIME.format(t);
  }

  static String cellTime(Instant t) {
    return t == null ? "-" : TIME.format(t);
  }

  /** 1h02m03s, 4m05s, 12s, 350ms. */
  static String duration(Long ms) {
    if (ms == null) {
      return "-";
    }
    Duration d = Duration.ofMillis(ms);
    if (d.isNegative()) {
      return "-" + duration(-ms);
    }
    if (d.toSeconds() == 0) {
      return d.toMillis() + "ms";
    }
    long h = d.toHours();
    int m = d.toMinutesPart();
    int s = d.toSecondsPart();
    return h > 0 ? String.format("%dh%02dm%02ds", h, m, s) : m > 0 ? String.format("%dm%02ds", m, s) : s + "s";
  }

  /** A table: the header row, the separator, then each row's cells (already escaped). */
  static void table(StringBuilder out, List<String> header, List<List<String>> rows) {
    out.append("| ").append(String.join(" | ", header)).append(" |\n");
    out.append("|").append("---|".repeat(header.size())).append('\n');
    for (List<String> row : rows) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    out.append('\n');
  }

  static String names(List<String> names) {
    return names == null ? NOT_RECORDED : names.isEmpty() ? "none" : cell(String.join(", ", names));
  }
}
