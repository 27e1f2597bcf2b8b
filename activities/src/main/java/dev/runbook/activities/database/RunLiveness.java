package dev.runbook.activities.database;

/**
 * Whether the run a staging database or a safety copy belongs to still goes on, from the short
 * tag in its name ({@code <db>__rb_<tag>}, {@code <db>__before_<tag>}).
 */
public interface RunLiveness {
  enum State {
    /** The run goes on: what it made is still its own. */
    RUNNING,
    /** The run has ended. */
    ENDED,
    /** The rollback log knows the run, the Temporal server no longer does (a dev server restarted). */
    GONE,
    /** No run with the tag is in the rollback log: nobody can tell. */
    UNKNOWN
  }

  /** @param description what a person is told: the run, and how it ended */
  record Run(State state, String workflowId, String description) {}

  Run of(String runTag);
}
