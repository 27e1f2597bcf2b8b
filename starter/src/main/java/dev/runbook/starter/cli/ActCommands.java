package dev.runbook.starter.cli;

import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.Receipt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Acting on a run: approve, reject, decide, cancel, disarm. Refusals exit 3 (may not) or 4 (not now). */
final class ActCommands {
  private ActCommands() {}

  abstract static class Act extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "The run's workflow ID, e.g. rollback-api.")
    String run;

    @Option(names = "--as", description = "Who you are, in a local dev; elsewhere your token says it (--as must then be the token's person).")
    String as;

    Act(CliContext context) {
      super(context);
    }

    abstract Receipt act();

    @Override
    public Integer call() {
      Receipt r = act();
      if (json) {
        Output.json(out(), r);
      } else {
        out().printf("%s: %s (phase %s)%n", r.workflowId(), r.message(), r.phase().label());
      }
      return 0;
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a run that waits for approval.")
  static final class Approve extends Act {
    @Option(names = "--comment", description = "Why, for the log.")
    String comment;

    @Option(names = "--plan", paramLabel = "HASH",
        description = "The plan you approve, as `runbook status` shows it: refused if the run's plan changed since.")
    String plan;

    Approve(CliContext context) {
      super(context);
    }

    @Override
    Receipt act() {
      if (plan != null && !plan.matches("[0-9a-f]{12,64}")) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--plan '" + plan + "' is not a plan hash:"
            + " pass the 12 hex digits `runbook status " + run + "` shows after 'plan', or leave --plan out");
      }
      return context.client().approve(run, person(as), comment, plan);
    }
  }

  @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a run that waits for approval; it ends.")
  static final class Reject extends Act {
    @Option(names = "--reason", required = true, description = "Why; sent to the team.")
    String reason;

    Reject(CliContext context) {
      super(context);
    }

    @Override
    Receipt act() {
      return context.client().reject(run, person(as), reason);
    }
  }

  @Command(name = "decide", mixinStandardHelpOptions = true,
      description = "Answer a run whose step failed for good: retry, skip, compensate or abort.")
  static final class Decide extends Act {
    @Parameters(index = "1", paramLabel = "ACTION", description = "retry, skip, compensate or abort.")
    String action;

    @Option(names = "--comment", description = "Why, for the log.")
    String comment;

    Decide(CliContext context) {
      super(context);
    }

    @Override
    Receipt act() {
      DecisionAction a;
      try {
        a = DecisionAction.parse(action);
      } catch (IllegalArgumentException e) {
        throw new dev.runbook.starter.client.RunbookException.InvalidRequest(e.getMessage());
      }
      return context.client().decide(run, a, person(as), comment);
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Stop a run where it is (during monitoring the rollback stands).")
  static final class Cancel extends Act {
    @Option(names = "--reason", description = "Why, for the log.")
    String reason;

    Cancel(CliContext context) {
      super(context);
    }

    @Override
    Receipt act() {
      return context.client().cancel(run, person(as), reason);
    }
  }

  @Command(name = "disarm", mixinStandardHelpOptions = true,
      description = "Stop an armed run in its window: nothing is changed and the run ends as disarmed"
          + " (who may cancel a run may disarm it).")
  static final class Disarm extends Act {
    @Option(names = "--reason", description = "Why (fixed forward, false alarm); sent to the team.")
    String reason;

    Disarm(CliContext context) {
      super(context);
    }

    @Override
    Receipt act() {
      return context.client().disarm(run, person(as), reason);
    }
  }
}
