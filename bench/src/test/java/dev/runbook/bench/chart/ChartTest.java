package dev.runbook.bench.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {
  @TempDir Path dir;

  @Test
  void aLineChartIsAPngOfTheRightSizeWithEachSeriesInItsColour() throws Exception {
    Map<String, List<double[]>> series = Chart.series();
    series.put("staged swap", List.of(new double[] {1, 0.1}, new double[] {4, 0.12}));
    series.put("pg_restore -j 2", List.of(new double[] {1, 20}, new double[] {4, 80}));
    series.put("gunzip | psql", List.of(new double[] {1, 40}, new double[] {4, 170}));
    Path png = dir.resolve("sub/lines.png");
    Chart.lines("Writers' downtime", "database size (GB)", "downtime (s)", Chart.Scale.LOG, series,
        Map.of("target 0.2 s", 0.2), png);

    BufferedImage image = readPng(png);
    for (int i = 0; i < series.size(); i++) {
      assertThat(count(image, Chart.colour(i))).as("pixels of series %d", i).isGreaterThan(100);
    }
  }

  @Test
  void aBarChartDrawsEveryBar() throws Exception {
    Map<String, Map<String, Double>> cats = new LinkedHashMap<>();
    cats.put("scale 1", Map.of("ours", 1.0, "theirs", 2.0));
    cats.put("scale 3", Map.of("ours", 3.0, "theirs", 5.0));
    Path png = dir.resolve("bars.png");
    Chart.bars("Backup", "seconds", Chart.Scale.LINEAR, cats, png);

    BufferedImage image = readPng(png);
    assertThat(count(image, Chart.colour(0))).isGreaterThan(1000);
    assertThat(count(image, Chart.colour(1))).isGreaterThan(1000);
  }

  @Test
  void emptyOrNonPositiveLogDataIsRefusedByName() {
    assertThatThrownBy(() -> Chart.lines("t", "x", "y", Map.of(), dir.resolve("a.png")))
        .hasMessageContaining("chart 't' has no points");
    assertThatThrownBy(() -> Chart.lines("t", "x", "y", Chart.Scale.LOG,
        Map.of("s", List.of(new double[] {1, 0})), dir.resolve("b.png")))
        .hasMessageContaining("series 's' has y=0.0");
  }

  @Test
  void ticksAreShort() {
    assertThat(Chart.tickText(0)).isEqualTo("0");
    assertThat(Chart.tickText(0.2)).isEqualTo("0.2");
    assertThat(Chart.tickText(1000)).isEqualTo("1000");
    assertThat(Chart.tickText(0.0001)).isEqualTo("1e-04");
  }

  private static BufferedImage readPng(Path png) throws Exception {
    byte[] head = Files.readAllBytes(png);
    assertThat(head).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(Chart.WIDTH);
    assertThat(image.getHeight()).isEqualTo(Chart.HEIGHT);
    assertThat(image.getRGB(2, 2)).isEqualTo(Chart.BACKGROUND.getRGB());
    return image;
  }

  private static int count(BufferedImage image, Color colour) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) == colour.getRGB()) {
          n++;
        }
      }
    }
    return n;
  }
}
