package dev.runbook.bench.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * PNG charts for the benchmark report, drawn with Java2D so the bench needs no charting library:
 * a line chart (x,y points per named series) and a grouped bar chart, 1000x600, white background,
 * axes with round ticks, a legend, one colour per series in {@link #COLOURS} order.
 */
public final class Chart {
  public static final int WIDTH = 1000;
  public static final int HEIGHT = 600;
  public static final Color BACKGROUND = Color.WHITE;
  /** Series colours, in order (colour-blind safe, after Okabe and Ito). */
  public static final List<Color> COLOURS = List.of(
      new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115), new Color(204, 121, 167),
      new Color(230, 159, 0), new Color(86, 180, 233), new Color(120, 120, 120), new Color(0, 0, 0));

  /** How the y axis maps values: linear from zero, or logarithmic (for figures orders of magnitude apart). */
  public enum Scale { LINEAR, LOG }

  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int TOP = 85;
  private static final int BOTTOM = 70;
  private static final Color GRID = new Color(225, 225, 225);
  private static final Color INK = new Color(40, 40, 40);
  private static final Color GUIDE = new Color(110, 110, 110);

  static {
    // No display on a CI runner or a server: draw off-screen.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Chart() {}

  /** The colour of the i-th series. */
  public static Color colour(int i) {
    return COLOURS.get(i % COLOURS.size());
  }

  /** A line chart with a linear y axis. */
  public static void lines(String title, String xLabel, String yLabel, Map<String, List<double[]>> series, Path png)
      throws IOException {
    lines(title, xLabel, yLabel, Scale.LINEAR, series, png);
  }

  /**
   * A line chart: each series is a list of {x, y} points, drawn in x order with a marker on each
   * point. With {@link Scale#LOG} every y must be above zero.
   */
  public static void lines(
      String title, String xLabel, String yLabel, Scale yScale, Map<String, List<double[]>> series, Path png)
      throws IOException {
    lines(title, xLabel, yLabel, yScale, series, Map.of(), png);
  }

  /**
   * As {@link #lines(String, String, String, Scale, Map, Path)}, with labelled horizontal guides
   * (a target, say) drawn dashed in grey.
   */
  public static void lines(String title, String xLabel, String yLabel, Scale yScale,
      Map<String, List<double[]>> series, Map<String, Double> guides, Path png) throws IOException {
    if (series.isEmpty() || series.values().stream().allMatch(List::isEmpty)) {
      throw new IllegalArgumentException("chart '" + title + "' has no points to draw");
    }
    double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMin = Double.MAX_VALUE, yMax = -Double.MAX_VALUE;
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      for (double[] p : e.getValue()) {
        if (yScale == Scale.LOG && p[1] <= 0) {
          throw new IllegalArgumentException("series '" + e.getKey() + "' has y=" + p[1] + ": a log axis needs y > 0");
        }
        xMin = Math.min(xMin, p[0]);
        xMax = Math.max(xMax, p[0]);
        yMin = Math.min(yMin, p[1]);
        yMax = Math.max(yMax, p[1]);
      }
    }
    for (double v : guides.values()) {
      yMin = Math.min(yMin, v);
      yMax = Math.max(yMax, v);
    }
    Axis x = Axis.linear(Math.min(0, xMin), xMax);
    Axis y = yScale == Scale.LOG ? Axis.log(yMin, yMax) : Axis.linear(Math.min(0, yMin), yMax);
    Canvas c = new Canvas(title);
    c.frame(x, y, xLabel, yLabel);
    c.guides(y, guides);
    int i = 0;
    for (List<double[]> points : series.values()) {
      List<double[]> sorted = new ArrayList<>(points);
      sorted.sort((a, b) -> Double.compare(a[0], b[0]));
      c.g.setColor(colour(i++));
      c.g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      Path2D line = new Path2D.Double();
      for (int k = 0; k < sorted.size(); k++) {
        double px = c.px(x, sorted.get(k)[0]);
        double py = c.py(y, sorted.get(k)[1]);
        if (k == 0) {
          line.moveTo(px, py);
        } else {
          line.lineTo(px, py);
        }
        c.g.fillOval((int) Math.round(px) - 5, (int) Math.round(py) - 5, 10, 10);
      }
      c.g.draw(line);
    }
    c.legend(new ArrayList<>(series.keySet()));
    c.write(png);
  }

  /**
   * A grouped bar chart: for each category (an x position, in map order) one bar per series
   * (the inner map's keys; a series missing from a category leaves a gap).
   */
  public static void bars(String title, String yLabel, Scale yScale, Map<String, Map<String, Double>> categories,
      Path png) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    categories.values().forEach(m -> names.addAll(m.keySet()));
    if (names.isEmpty()) {
      throw new IllegalArgumentException("chart '" + title + "' has no bars to draw");
    }
    double yMin = Double.MAX_VALUE, yMax = -Double.MAX_VALUE;
    for (Map<String, Double> m : categories.values()) {
      for (Map.Entry<String, Double> e : m.entrySet()) {
        if (yScale == Scale.LOG && e.getValue() <= 0) {
          throw new IllegalArgumentException("bar '" + e.getKey() + "' is " + e.getValue() + ": a log axis needs > 0");
        }
        yMin = Math.min(yMin, e.getValue());
        yMax = Math.max(yMax, e.getValue());
      }
    }
    Axis y = yScale == Scale.LOG ? Axis.log(yMin, yMax) : Axis.linear(Math.min(0, yMin), yMax);
    Canvas c = new Canvas(title);
    c.frame(null, y, "", yLabel);
    List<String> order = new ArrayList<>(names);
    int plotW = WIDTH - LEFT - RIGHT;
    double slot = plotW / (double) categories.size();
    double barW = slot * 0.8 / order.size();
    double base = c.py(y, yScale == Scale.LOG ? y.min() : Math.max(0, y.min()));
    int k = 0;
    for (Map.Entry<String, Map<String, Double>> cat : categories.entrySet()) {
      double left = LEFT + k * slot + slot * 0.1;
      for (int s = 0; s < order.size(); s++) {
        Double v = cat.getValue().get(order.get(s));
        if (v == null) {
          continue;
        }
        double top = c.py(y, v);
        c.g.setColor(colour(s));
        c.g.fillRect((int) Math.round(left + s * barW), (int) Math.round(Math.min(top, base)),
            (int) Math.max(1, Math.round(barW - 2)), (int) Math.max(1, Math.round(Math.abs(base - top))));
      }
      c.g.setColor(INK);
      c.g.setFont(c.small);
      FontMetrics fm = c.g.getFontMetrics();
      int cx = (int) Math.round(LEFT + k * slot + slot / 2);
      c.g.drawString(cat.getKey(), cx - fm.stringWidth(cat.getKey()) / 2, HEIGHT - BOTTOM + 20);
      k++;
    }
    c.legend(order);
    c.write(png);
  }

  /** The image, its fonts, and the mapping from values to pixels inside the plot area. */
  private static final class Canvas {
    final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    final Graphics2D g = image.createGraphics();
    final Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    final Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 16);

    Canvas(String title) {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(BACKGROUND);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(INK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
      g.drawString(title, (WIDTH - g.getFontMetrics().stringWidth(title)) / 2, 35);
    }

    double px(Axis x, double v) {
      return LEFT + x.fraction(v) * (WIDTH - LEFT - RIGHT);
    }

    double py(Axis y, double v) {
      return HEIGHT - BOTTOM - y.fraction(v) * (HEIGHT - TOP - BOTTOM);
    }

    /** Grid, ticks and labels; a null x axis (bar charts) draws only the baseline. */
    void frame(Axis x, Axis y, String xLabel, String yLabel) {
      g.setFont(small);
      FontMetrics fm = g.getFontMetrics();
      for (double t : y.ticks()) {
        int py = (int) Math.round(py(y, t));
        g.setColor(GRID);
        g.drawLine(LEFT, py, WIDTH - RIGHT, py);
        g.setColor(INK);
        String s = tickText(t);
        g.drawString(s, LEFT - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
      }
      if (x != null) {
        for (double t : x.ticks()) {
          int px = (int) Math.round(px(x, t));
          g.setColor(GRID);
          g.drawLine(px, TOP, px, HEIGHT - BOTTOM);
          g.setColor(INK);
          String s = tickText(t);
          g.drawString(s, px - fm.stringWidth(s) / 2, HEIGHT - BOTTOM + 20);
        }
      }
      g.setColor(INK);
      g.setStroke(new BasicStroke(1.5f));
      g.drawLine(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
      g.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);
      g.setFont(label);
      fm = g.getFontMetrics();
      g.drawString(xLabel, LEFT + (WIDTH - LEFT - RIGHT - fm.stringWidth(xLabel)) / 2, HEIGHT - 20);
      AffineTransform saved = g.getTransform();
      g.rotate(-Math.PI / 2);
      g.drawString(yLabel, -(TOP + (HEIGHT - TOP - BOTTOM + fm.stringWidth(yLabel)) / 2), 25);
      g.setTransform(saved);
    }

    /** Dashed grey horizontal lines, each labelled at its right end. */
    void guides(Axis y, Map<String, Double> guides) {
      g.setFont(small);
      FontMetrics fm = g.getFontMetrics();
      for (Map.Entry<String, Double> e : guides.entrySet()) {
        int py = (int) Math.round(py(y, e.getValue()));
        g.setColor(GUIDE);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        g.drawLine(LEFT, py, WIDTH - RIGHT, py);
        g.drawString(e.getKey(), WIDTH - RIGHT - 6 - fm.stringWidth(e.getKey()), py - 5);
      }
    }

    /**
     * The legend, in a band between the title and the plot (never over the data): a colour swatch
     * and the series name per entry, wrapping onto a second line when the names are long.
     */
    void legend(List<String> names) {
      g.setFont(small);
      FontMetrics fm = g.getFontMetrics();
      int x = LEFT;
      int y = 50;
      for (int i = 0; i < names.size(); i++) {
        int w = 30 + fm.stringWidth(names.get(i)) + 24;
        if (x + w > WIDTH - RIGHT && x > LEFT) {
          x = LEFT;
          y += 18;
        }
        g.setColor(colour(i));
        g.fillRect(x, y, 22, 12);
        g.setColor(INK);
        g.drawString(names.get(i), x + 28, y + fm.getAscent() - 2);
        x += w;
      }
    }

    void write(Path png) throws IOException {
      g.dispose();
      Path parent = png.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(image, "png", png.toFile())) {
        throw new IOException("no PNG writer in this Java runtime for " + png);
      }
    }
  }

  /** "0.2", "15", "1000", "1e-3": short and round. */
  static String tickText(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e6 || a < 1e-3) {
      return String.format(java.util.Locale.ROOT, "%.0e", v);
    }
    String s = String.format(java.util.Locale.ROOT, "%.3f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  /** Series built in insertion order, for callers that add points as they measure. */
  public static Map<String, List<double[]>> series() {
    return new LinkedHashMap<>();
  }
}
