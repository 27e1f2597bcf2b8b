package dev.runbook.activities.database;

/**
 * Byte progress of a backup or restore, by phase, on top of the activity's heartbeat (which throws
 * once the activity is cancelled: the caller then kills its child process and removes partial
 * output).
 */
final class Heartbeat {
  private final dev.runbook.activities.Heartbeat beats;
  private String phase = "";
  private long started = System.nanoTime();
  private long bytes;

  private Heartbeat(dev.runbook.activities.Heartbeat beats) {
    this.beats = beats;
  }

  /** The heartbeat of the activity running on this thread, if any. */
  static Heartbeat current() {
    return new Heartbeat(dev.runbook.activities.Heartbeat.current());
  }

  /** Starts timing a new phase. */
  void phase(String name) {
    phase = name;
    started = System.nanoTime();
    beat(0);
  }

  void beat(long bytesSoFar) {
    bytes = bytesSoFar;
    tick();
  }

  /** Beats again with the last progress: proof of life while a child process works. */
  void tick() {
    beats.beat(new Progress(phase, bytes, (System.nanoTime() - started) / 1_000_000));
  }
}
