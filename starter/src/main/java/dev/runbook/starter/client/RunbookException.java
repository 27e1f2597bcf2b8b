package dev.runbook.starter.client;

import dev.runbook.workflows.model.RefusalKind;

/**
 * What can go wrong when people act on runs, each with the exit code the CLI returns and the
 * status the HTTP API answers, so scripts and callers can tell the cases apart.
 */
public abstract class RunbookException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected RunbookException(String message) {
    super(message);
  }

  /** The CLI exit code (see the CLI's help: 3 refused, 4 conflict, 5 not found, 2 bad input). */
  public abstract int exitCode();

  public abstract int httpStatus();

  /** A short machine-readable name for API error bodies. */
  public abstract String code();

  /** The request is malformed; the message names the field and the fix. */
  public static final class InvalidRequest extends RunbookException {
    private static final long serialVersionUID = 1L;

    public InvalidRequest(String message) {
      super(message);
    }

    @Override
    public int exitCode() {
      return 2;
    }

    @Override
    public int httpStatus() {
      return 400;
    }

    @Override
    public String code() {
      return "invalid_request";
    }
  }

  /** A vote, decision or cancel the run refused, with its kind and reason. */
  public static final class Refused extends RunbookException {
    private static final long serialVersionUID = 1L;
    private final RefusalKind kind;

    public Refused(RefusalKind kind, String reason) {
      super(reason);
      this.kind = kind;
    }

    public RefusalKind kind() {
      return kind;
    }

    @Override
    public int exitCode() {
      return kind.httpStatus() == 403 ? 3 : kind.httpStatus() == 409 ? 4 : 2;
    }

    @Override
    public int httpStatus() {
      return kind.httpStatus();
    }

    @Override
    public String code() {
      return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A rollback of the same service (or environment) is already running. */
  public static final class Conflict extends RunbookException {
    private static final long serialVersionUID = 1L;
    private final String runningWorkflowId;

    public Conflict(String runningWorkflowId, String message) {
      super(message);
      this.runningWorkflowId = runningWorkflowId;
    }

    public String runningWorkflowId() {
      return runningWorkflowId;
    }

    @Override
    public int exitCode() {
      return 4;
    }

    @Override
    public int httpStatus() {
      return 409;
    }

    @Override
    public String code() {
      return "already_running";
    }
  }

  /** No run with that ID. */
  public static final class UnknownRun extends RunbookException {
    private static final long serialVersionUID = 1L;

    public UnknownRun(String workflowId) {
      super("no run " + workflowId + ": check the ID with `runbook list`");
    }

    /** As another party (the API) worded it. */
    public UnknownRun(String workflowId, String message) {
      super(message);
    }

    @Override
    public int exitCode() {
      return 5;
    }

    @Override
    public int httpStatus() {
      return 404;
    }

    @Override
    public String code() {
      return "unknown_run";
    }
  }

  /** Temporal cannot be reached, or could not take the request this time. */
  public static final class Unavailable extends RunbookException {
    private static final long serialVersionUID = 1L;

    /** The workflow task that took the request failed and kept nothing: sending it again is safe. */
    final boolean taskFailed;

    public Unavailable(String message) {
      this(message, false);
    }

    Unavailable(String message, boolean taskFailed) {
      super(message);
      this.taskFailed = taskFailed;
    }

    /**
     * Temporal did not answer: where it was looked for, why it failed, and what to do.
     *
     * @param target the address the client connects to, or null when it is not known
     */
    public static Unavailable temporal(String target, io.grpc.StatusRuntimeException e) {
      Throwable root = e;
      boolean tls = false;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
        tls |= root instanceof javax.net.ssl.SSLException;
      }
      io.grpc.Status status = e.getStatus();
      // The transport's own words, without its call site: "finishConnect(..) failed: Connection refused".
      String cause = root != e && root.getMessage() != null
          ? root.getMessage().replaceFirst("^\\w+\\(\\.\\.\\) failed: ", "")
          : status.getDescription() != null ? status.getDescription()
          : status.getCode().name().toLowerCase(java.util.Locale.ROOT);
      String what = status.getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED
          ? " did not answer in time" : " is not reachable";
      if (tls) {
        return new Unavailable("Temporal at " + target + " refused the TLS connection (" + cause + "): check"
            + " temporal.tls in the configuration: temporal.tls.ca must hold the CA that signed the server's"
            + " certificate, the certificate must name the host in temporal.address (or temporal.tls.serverName),"
            + " and a server that asks for a client certificate needs temporal.tls.certificate and key");
      }
      return new Unavailable("Temporal" + what + (target == null ? "" : " at " + target) + " (" + cause
          + "): start it with `runbook dev` in another terminal, or check temporal.address in the configuration");
    }

    @Override
    public int exitCode() {
      return 6;
    }

    @Override
    public int httpStatus() {
      return 503;
    }

    @Override
    public String code() {
      return "unavailable";
    }
  }

  /**
   * A well-formed start that the workers cannot run as asked: a service, database or environment
   * they do not have, a requester not in {@code people}, no version known good. Nothing started.
   */
  public static final class StartRefused extends RunbookException {
    private static final long serialVersionUID = 1L;

    public StartRefused(String message) {
      super(message);
    }

    @Override
    public int exitCode() {
      return 2;
    }

    @Override
    public int httpStatus() {
      return 422;
    }

    @Override
    public String code() {
      return "start_refused";
    }
  }

  /**
   * A dump file the workers will not take as a backup: not there, not readable, not a dump, cut
   * short or damaged. Nothing was imported.
   */
  public static final class ImportRefused extends RunbookException {
    private static final long serialVersionUID = 1L;

    public ImportRefused(String message) {
      super(message);
    }

    @Override
    public int exitCode() {
      return 2;
    }

    @Override
    public int httpStatus() {
      return 422;
    }

    @Override
    public String code() {
      return "import_refused";
    }
  }
}
