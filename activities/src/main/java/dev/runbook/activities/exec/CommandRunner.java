package dev.runbook.activities.exec;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a child process from an argv array: never through a shell, so no argument is ever parsed
 * as shell syntax. Output is captured and bounded (the last {@link #MAX_OUTPUT} bytes of each
 * stream are kept), the process gets a timeout, and a tick callback runs about once a second so
 * an activity can heartbeat; if the callback throws (the activity was cancelled), the process and
 * its children are killed and the exception propagates.
 */
public final class CommandRunner {
  public static final int MAX_OUTPUT = 64 * 1024;
  private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);

  /**
   * @param argv the program and its arguments, each one argument
   * @param env extra environment variables (secrets such as PGPASSWORD go here, never in argv)
   * @param workDir working directory, or null for the current one
   */
  public record Command(List<String> argv, Map<String, String> env, Path workDir, Duration timeout) {
    public Command {
      if (argv == null || argv.isEmpty()) {
        throw new IllegalArgumentException("a command needs at least the program name");
      }
      argv = List.copyOf(argv);
      env = env == null ? Map.of() : Map.copyOf(env);
      timeout = timeout == null ? Duration.ofMinutes(5) : timeout;
    }

    public static Command of(List<String> argv, Duration timeout) {
      return new Command(argv, Map.of(), null, timeout);
    }

    public Command withEnv(Map<String, String> extra) {
      var merged = new java.util.HashMap<>(env);
      merged.putAll(extra);
      return new Command(argv, merged, workDir, timeout);
    }

    public Command in(Path dir) {
      return new Command(argv, env, dir, timeout);
    }

    /** The command as a person would type it, for plans and messages; env values are left out. */
    public String display() {
      return Shell.display(argv);
    }
  }

  /** @param truncated true when more output was produced than kept */
  public record Result(int exitCode, String stdout, String stderr, Duration took, boolean truncated) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** The last lines of stderr (or stdout when stderr is empty), for an error message. */
    public String tail(int maxChars) {
      String s = stderr.isBlank() ? stdout : stderr;
      s = s.strip();
      return s.length() <= maxChars ? s : "..." + s.substring(s.length() - maxChars);
    }
  }

  /** Runs the command; a non-zero exit is returned, not thrown. */
  public Result run(Command command) {
    return run(command, () -> {}, null);
  }

  /**
   * Writes a child's standard input, on a thread of its own. Returning means "that is all": the
   * runner then closes the child's input. Throwing stops the child before it reads the end of
   * its input (a psql in one transaction then never commits), and the runner throws the same
   * exception. A write the child no longer reads (it exited) ends the feeding quietly: the
   * child's exit code tells what happened.
   */
  @FunctionalInterface
  public interface Feeder {
    void feed(OutputStream stdin) throws IOException;
  }

  /**
   * @param tick called about once a second while the process runs; throw to stop the process
   * @param stdoutLines when not null, receives stdout line by line as it comes (progress parsing)
   */
  public Result run(Command command, Runnable tick, Consumer<String> stdoutLines) {
    return run(command, tick, stdoutLines, null);
  }

  /**
   * Runs the command with {@code input} on its standard input (a value that must not be an
   * argument, where other users could read it in the process list).
   */
  public Result run(Command command, byte[] input, Runnable tick) {
    return run(command, tick, null, input == null ? null : stdin -> stdin.write(input));
  }

  /** As {@link #run(Command, Runnable, Consumer)}, with the child's input written by {@code stdin}. */
  public Result run(Command command, Runnable tick, Consumer<String> stdoutLines, Feeder stdin) {
    ProcessBuilder pb = new ProcessBuilder(command.argv());
    pb.environment().putAll(command.env());
    if (command.workDir() != null) {
      pb.directory(command.workDir().toFile());
    }
    long started = System.nanoTime();
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw Failures.of(
          FailureType.INVALID_INPUT,
          "cannot run " + command.argv().get(0) + ": " + e.getMessage()
              + " (is it installed and on PATH?)");
    }
    FeedThread feeding = null;
    if (stdin == null) {
      try {
        process.getOutputStream().close();
      } catch (IOException ignored) {
        // The child may already have exited; nothing to send it anyway.
      }
    } else {
      feeding = new FeedThread(process, stdin);
      daemon(feeding, "cmd-in");
    }
    Tail out = new Tail(process.getInputStream(), stdoutLines);
    Tail err = new Tail(process.getErrorStream(), null);
    Thread outThread = daemon(out, "cmd-out");
    Thread errThread = daemon(err, "cmd-err");
    long deadline = started + command.timeout().toNanos();
    try {
      while (!process.waitFor(1, TimeUnit.SECONDS)) {
        if (System.nanoTime() > deadline) {
          kill(process);
          throw Failures.of(
              FailureType.COMMAND_TIMEOUT,
              command.display() + " did not finish within " + command.timeout() + " and was killed");
        }
        tick.run();
      }
      outThread.join(5000);
      errThread.join(5000);
      if (feeding != null) {
        feeding.rethrow();
      }
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, command.display() + " was interrupted");
    } catch (RuntimeException | Error e) {
      kill(process);
      throw e;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    log.debug("{} exited {} in {} ms", command.argv().get(0), process.exitValue(), took.toMillis());
    return new Result(
        process.exitValue(), out.text(), err.text(), took, out.truncated() || err.truncated());
  }

  /** Runs the command and throws {@link FailureType#COMMAND_FAILED} when it exits non-zero. */
  public Result runChecked(Command command, Runnable tick) {
    Result r = run(command, tick, null);
    if (!r.ok()) {
      throw Failures.of(
          FailureType.COMMAND_FAILED,
          command.display() + " exited " + r.exitCode() + ": " + r.tail(800));
    }
    return r;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Kills a process and all of its descendants, children first. */
  public static void kill(Process process) {
    List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
    children.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(3, TimeUnit.SECONDS)) {
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /** Runs a {@link Feeder}; on its failure, kills the child before its input ends. */
  private static final class FeedThread implements Runnable {
    private final Process process;
    private final Feeder feeder;
    private volatile Throwable failure;
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    FeedThread(Process process, Feeder feeder) {
      this.process = process;
      this.feeder = feeder;
    }

    @Override
    public void run() {
      ChildInput in = new ChildInput(process.getOutputStream());
      try {
        feeder.feed(in);
        in.closeQuietly();
      } catch (ChildGone gone) {
        in.closeQuietly(); // the child stopped reading; its exit code says why
      } catch (Throwable t) {
        failure = t;
        kill(process); // before its input ends: it must not take what it read as complete
      } finally {
        done.countDown();
      }
    }

    /** Waits for the feeding to end and throws its failure, if any. */
    void rethrow() throws InterruptedException {
      done.await(5, TimeUnit.SECONDS);
      Throwable t = failure;
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw Failures.of(FailureType.COMMAND_FAILED, "writing the input of the command failed: " + t.getMessage());
      }
    }
  }

  /** A write to a child that no longer reads. */
  private static final class ChildGone extends IOException {
    private static final long serialVersionUID = 1L;

    ChildGone(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** The child's input; a failed write means the child is gone, not that the feeder failed. */
  private static final class ChildInput extends java.io.FilterOutputStream {
    ChildInput(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw new ChildGone(e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw new ChildGone(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw new ChildGone(e);
      }
    }

    @Override
    public void close() {
      // Only the runner decides when the input ends.
    }

    void closeQuietly() {
      try {
        out.close();
      } catch (IOException ignored) {
        // The child exited meanwhile.
      }
    }
  }

  /** Reads a stream to its end, keeping only the last {@link #MAX_OUTPUT} bytes. */
  private static final class Tail implements Runnable {
    private final InputStream in;
    private final Consumer<String> lines;
    private final byte[] ring = new byte[MAX_OUTPUT];
    private long total;
    private final StringBuilder line = new StringBuilder();

    Tail(InputStream in, Consumer<String> lines) {
      this.in = in;
      this.lines = lines;
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (this) {
            for (int i = 0; i < n; i++) {
              ring[(int) (total++ % MAX_OUTPUT)] = buf[i];
            }
          }
          if (lines != null) {
            feed(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
        }
      } catch (IOException ignored) {
        // The process was killed; what we read so far is kept.
      }
      if (lines != null && line.length() > 0) {
        lines.accept(line.toString());
      }
    }

    private void feed(String chunk) {
      for (int i = 0; i < chunk.length(); i++) {
        char c = chunk.charAt(i);
        if (c == '\n') {
          lines.accept(line.toString());
          line.setLength(0);
        } else if (line.length() < 4096) {
          line.append(c);
        }
      }
    }

    synchronized boolean truncated() {
      return total > MAX_OUTPUT;
    }

    synchronized String text() {
      if (total <= MAX_OUTPUT) {
        return new String(ring, 0, (int) total, StandardCharsets.UTF_8);
      }
      int start = (int) (total % MAX_OUTPUT);
      byte[] ordered = new byte[MAX_OUTPUT];
      System.arraycopy(ring, start, ordered, 0, MAX_OUTPUT - start);
      System.arraycopy(ring, 0, ordered, MAX_OUTPUT - start, start);
      return new String(ordered, StandardCharsets.UTF_8);
    }
  }
}
