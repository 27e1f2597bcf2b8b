package dev.runbook.bench.steps;

import dev.runbook.bench.Comparison;
import dev.runbook.bench.Samples;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The chart of time per step against the floor: per server, the runbook's median (bar) and the
 * bare workflow's, each with its spread (p10-p90, or min-max under 10 samples). Java2D, headless.
 */
final class StepChart {
  private static final int W = 720;
  private static final int H = 420;
  private static final int LEFT = 70;
  private static final int BOTTOM = 60;
  private static final int TOP = 50;
  private static final Color OURS = new Color(0x2f6db5);
  private static final Color FLOOR = new Color(0x9a9a9a);

  private StepChart() {}

  static void write(Path file, List<Comparison> rows) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, W, H);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString("Time per activity step: runbook vs a bare Temporal workflow (the floor)", LEFT - 50, 25);
      double max = 1;
      for (Comparison c : rows) {
        max = Math.max(max, Math.max(hi(c.ours()), hi(c.theirs())));
      }
      max = niceCeiling(max * 1.1);
      int plotH = H - TOP - BOTTOM;
      int plotW = W - LEFT - 30;
      axis(g, max, plotH, plotW);
      int groups = Math.max(1, rows.size());
      int groupW = plotW / groups;
      int barW = Math.min(90, groupW / 4);
      for (int i = 0; i < rows.size(); i++) {
        Comparison c = rows.get(i);
        int x0 = LEFT + i * groupW + groupW / 2 - barW - 6;
        bar(g, x0, barW, c.ours(), max, plotH, OURS);
        bar(g, x0 + barW + 12, barW, c.theirs(), max, plotH, FLOOR);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        String label = c.measure().replaceFirst("^step-time, ", "").replaceFirst(": .*", "");
        g.drawString(label, x0, H - BOTTOM + 20);
        g.drawString(String.format(Locale.ROOT, "ratio %.2f", c.ours().median() / c.theirs().median()), x0, H - BOTTOM + 38);
      }
      legend(g);
    } finally {
      g.dispose();
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  private static void axis(Graphics2D g, double max, int plotH, int plotW) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int t = 0; t <= 5; t++) {
      double v = max * t / 5;
      int y = TOP + plotH - (int) Math.round(plotH * v / max);
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(LEFT, y, LEFT + plotW, y);
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%.0f", v), LEFT - 35, y + 4);
    }
    g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
    g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
    g.rotate(-Math.PI / 2);
    g.drawString("ms per step (median, p10-p90)", -(TOP + plotH / 2 + 80), 18);
    g.rotate(Math.PI / 2);
  }

  private static void bar(Graphics2D g, int x, int w, Samples s, double max, int plotH, Color color) {
    int base = TOP + plotH;
    int top = base - (int) Math.round(plotH * s.median() / max);
    g.setColor(color);
    g.fillRect(x, top, w, base - top);
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.5f));
    int lo = base - (int) Math.round(plotH * lo(s) / max);
    int hi = base - (int) Math.round(plotH * hi(s) / max);
    g.drawLine(x + w / 2, lo, x + w / 2, hi);
    g.drawLine(x + w / 2 - 6, lo, x + w / 2 + 6, lo);
    g.drawLine(x + w / 2 - 6, hi, x + w / 2 + 6, hi);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawString(String.format(Locale.ROOT, "%.1f", s.median()), x + 2, hi - 4);
  }

  private static void legend(Graphics2D g) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(OURS);
    g.fillRect(W - 250, TOP - 8, 12, 12);
    g.setColor(Color.BLACK);
    g.drawString("runbook (no-op adapters)", W - 234, TOP + 3);
    g.setColor(FLOOR);
    g.fillRect(W - 250, TOP + 10, 12, 12);
    g.setColor(Color.BLACK);
    g.drawString("bare workflow (floor)", W - 234, TOP + 21);
  }

  private static double lo(Samples s) {
    return s.count() >= 10 ? s.percentile(10) : s.min();
  }

  private static double hi(Samples s) {
    return s == null ? 0 : s.count() >= 10 ? s.percentile(90) : s.max();
  }

  private static double niceCeiling(double v) {
    double step = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * step >= v) {
        return m * step;
      }
    }
    return 10 * step;
  }
}
