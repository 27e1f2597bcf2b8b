package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.worker.support.ChildJvm;
import dev.runbook.worker.support.ChildJvm.Result;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a worker's log says when an activity attempt fails, with the product's own logging
 * configuration (logback.xml, not the tests'), in a JVM of its own: one line per failed attempt,
 * with the activity, the run, the attempt, the cause and what happens next; stack traces only
 * when RUNBOOK_LOG_LEVEL is DEBUG.
 */
class ActivityFailureLogIT {
  /** {@link FlakyWorker} with the product's logging, against the embedded server or {@code temporal}. */
  static Result worker(Map<String, String> env, String... temporal) {
    String config = ActivityFailureLogIT.class.getResource("/logback.xml").toString();
    Result r = ChildJvm.runMain(env, Duration.ofMinutes(2),
        List.of("-Dlogback.configurationFile=" + config, "-Drunbook.log.level=INFO"), FlakyWorker.class.getName(),
        temporal);
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).as(r.toString()).contains("finished: rollback-api succeeded, rollback-web aborted");
    return r;
  }

  @Test
  void atInfoEachFailedAttemptIsOneLineWithItsCauseAndNoStackTrace() {
    Result r = worker(Map.of());

    List<String> lines = r.err().lines().toList();
    // The embedded (test) server sends no retry policy with a task: the line says what it knows.
    assertThat(lines).filteredOn(l -> l.contains("ServiceDeploy failed")).satisfiesExactly(
        l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  d\\.r\\.w\\.t\\.ActivityFailureLog - ServiceDeploy failed"
            + " for rollback-api \\(attempt 1\\): Service\\.deploy failed \\(api v1\\) \\[COMMAND_FAILED\\]"),
        l -> assertThat(l).endsWith("ServiceDeploy failed for rollback-api (attempt 2): Service.deploy failed"
            + " (api v1) [COMMAND_FAILED]"));
    assertThat(lines).filteredOn(l -> l.contains("ServiceResolveTarget failed")).singleElement().asString()
        .endsWith("ServiceResolveTarget failed for rollback-web (attempt 1): unknown version w9 [UNKNOWN_VERSION];"
            + " not retried: UNKNOWN_VERSION is permanent");
    assertThat(lines).as(r.err()).noneMatch(l -> l.matches("^\\s+at .*") || l.startsWith("Caused by")
        || l.contains("ApplicationFailure:"));
  }

  @Test
  void atDebugTheStackTraceFollowsTheLine() {
    Result r = worker(Map.of("RUNBOOK_LOG_LEVEL", "DEBUG"));

    assertThat(r.err()).contains("ServiceDeploy failed for rollback-api (attempt 1)")
        .contains("ServiceDeploy for rollback-api attempt 1: stack trace")
        .containsPattern("\\n\\s+at dev\\.runbook\\.workflows\\.testing\\.FakeWorld");
  }
}
