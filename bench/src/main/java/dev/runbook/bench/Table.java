package dev.runbook.bench;

import java.util.ArrayList;
import java.util.List;

/** The rows as a plain-text table for the terminal and as a Markdown table for the report. */
final class Table {
  static final List<String> HEADER =
      List.of("measure", "ours (median)", "spread", "compared with", "theirs (median)", "ratio", "target", "");

  private Table() {}

  static List<List<String>> cells(List<Comparison> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Comparison c : rows) {
      out.add(List.of(
          c.measure(),
          c.ours().medianText(),
          c.ours().spreadText(),
          c.comparedWith() == null ? "-" : c.comparedWith(),
          c.theirs() == null ? "-" : c.theirs().medianText() + " (" + c.theirs().spreadText() + ")",
          c.ratioText(),
          c.target().text(),
          c.verdict()));
    }
    return out;
  }

  static String text(List<Comparison> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(HEADER);
    all.addAll(cells(rows));
    int[] width = new int[HEADER.size()];
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        b.append(i == 0 ? "" : "  ").append(pad(r.get(i), width[i]));
      }
      b.append(System.lineSeparator());
    }
    return b.toString();
  }

  static String markdown(List<Comparison> rows) {
    StringBuilder b = new StringBuilder();
    b.append(line(HEADER)).append('\n');
    b.append("|---".repeat(HEADER.size())).append("|\n");
    for (List<String> r : cells(rows)) {
      b.append(line(r)).append('\n');
    }
    return b.toString();
  }

  private static String line(List<String> cells) {
    StringBuilder b = new StringBuilder("|");
    for (String c : cells) {
      b.append(' ').append(c.replace("|", "\\|")).append(" |");
    }
    return b.toString();
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(Math.max(0, w - s.length()));
  }
}
