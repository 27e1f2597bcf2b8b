package dev.runbook.worker.temporal;

import java.lang.management.ManagementFactory;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The identity a worker process gives Temporal (shown on each activity and workflow task in the
 * history and in Temporal UI). By default the SDK's {@code pid@host}; with
 * {@value #ENV} set, {@code NAME/pid@host}, so several workers on one host can be told apart by
 * name ({@code scripts/stack} names them worker-1, worker-2, ...).
 */
public final class WorkerIdentity {
  public static final String ENV = "RUNBOOK_WORKER_NAME";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private WorkerIdentity() {}

  /**
   * @return the identity, or null for the SDK's default
   * @throws IllegalArgumentException when the name is not a short word, naming the variable and the fix
   */
  public static String of(Function<String, String> env) {
    String name = env.apply(ENV);
    if (name == null || name.isBlank()) {
      return null;
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(ENV + " must be letters, digits, '.', '_' or '-' (at most 63),"
          + " starting with a letter or digit: write e.g. worker-1");
    }
    return name + "/" + ManagementFactory.getRuntimeMXBean().getName();
  }
}
