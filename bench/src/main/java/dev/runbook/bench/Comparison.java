package dev.runbook.bench;

/**
 * One row of the table: our figures beside the alternative's, measured in the same run on the
 * same machine, and the target they are judged by. {@code theirs} is null where a measure has no
 * alternative (a memory ceiling, say).
 */
public record Comparison(
    String measure, Samples ours, String comparedWith, Samples theirs, Target target, String how) {

  public String ratioText() {
    return theirs == null ? "-" : Figures.format(Target.ratio(ours, theirs));
  }

  public String verdict() {
    return target.verdict(ours, theirs);
  }
}
