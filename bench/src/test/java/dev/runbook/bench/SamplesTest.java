package dev.runbook.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplesTest {
  @Test
  void medianOfOddAndEvenCountsAndSpread() {
    assertThat(Samples.of("ms", List.of(5.0, 1.0, 3.0)).median()).isEqualTo(3.0);
    assertThat(Samples.of("ms", List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
    Samples s = Samples.of("ms", List.of(10.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0));
    assertThat(s.percentile(10)).isEqualTo(1.0);
    assertThat(s.percentile(90)).isEqualTo(9.0);
    assertThat(s.spreadText()).isEqualTo("1.00-9.00 p10-p90 (n=10)");
    assertThat(Samples.of("s", List.of(2.0, 1.0)).spreadText()).isEqualTo("1.00-2.00 min-max (n=2)");
    assertThatThrownBy(() -> Samples.of("ms", List.of())).hasMessageContaining("no samples of ms");
  }

  @Test
  void targetsJudgeTheMedians() {
    Samples ours = Samples.of("ms", List.of(12.0, 13.0, 14.0));
    Samples theirs = Samples.of("ms", List.of(10.0, 10.0, 10.0));
    assertThat(Target.ratioAtMost(1.3).verdict(ours, theirs)).isEqualTo("met");
    assertThat(Target.ratioAtMost(1.2).verdict(ours, theirs)).isEqualTo("MISSED");
    assertThat(Target.ratioAtLeast(0.8).verdict(ours, theirs)).isEqualTo("met");
    assertThat(Target.ratioAtLeast(0.8).verdict(Samples.of("ms", List.of(7.0)), theirs)).isEqualTo("MISSED");
    assertThat(Target.medianAtMost(12.5, "ms").verdict(ours, null)).isEqualTo("MISSED");
    assertThat(Target.none().verdict(ours, theirs)).isEqualTo("-");
  }

  @Test
  void aRatioOverAFloorAtOrBelowZeroIsNotJudged() {
    // A floor inside the clocks' noise: -6.6 would have passed "ratio <= 2".
    Samples ours = Samples.of("ms", List.of(0.25));
    assertThat(Target.ratioAtMost(2).verdict(ours, Samples.of("ms", List.of(-0.038)))).isEqualTo("not judged: theirs <= 0");
    assertThat(Target.ratioAtLeast(0.8).verdict(ours, Samples.of("ms", List.of(0.0)))).isEqualTo("not judged: theirs <= 0");
    assertThat(Target.medianAtMost(0.5, "ms").verdict(ours, Samples.of("ms", List.of(-1.0)))).isEqualTo("met");
  }

  @Test
  void tableRendersEveryColumnAndEscapesPipes() {
    Comparison c = new Comparison("step | overhead", Samples.of("ms", List.of(12.0)), "bare workflow",
        Samples.of("ms", List.of(10.0)), Target.ratioAtMost(1.3), "how");
    String md = Table.markdown(List.of(c));
    assertThat(md).contains("| step \\| overhead | 12.0 ms |").contains("| 1.20 | ratio <= 1.30 | met |");
    assertThat(Table.text(List.of(c))).contains("bare workflow").contains("met");
  }
}
