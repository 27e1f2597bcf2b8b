package dev.runbook.starter.cli;

import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.ChecklistState;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The checklist after a run: read it, tick an item. Refusals exit 3 (may not) or 4 (not now). */
final class ChecklistCommands {
  private ChecklistCommands() {}

  @Command(name = "checklist", mixinStandardHelpOptions = true,
      description = "The checklist after a run: each item with its owner, deadline, state and who ticked it.")
  static final class Show extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "The run's workflow ID, e.g. rollback-api.")
    String run;

    Show(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      ChecklistState c = context.checklists().checklist(run);
      if (json) {
        Output.json(out(), c);
        return 0;
      }
      long done = c.items().stream().filter(ChecklistItemState::done).count();
      out().printf("%s after %s: %s%s%n", c.workflowId(), c.runWorkflowId(), c.status(),
          c.items().isEmpty() ? "" : " (" + done + " of " + c.items().size() + " done)");
      if (c.message() != null) {
        out().println(c.message());
      }
      if (!c.items().isEmpty()) {
        Output.table(out(), List.of("ITEM", "TITLE", "OWNER", "DUE", "STATE", "BY", "NOTE"), c.items().stream()
            .map(i -> List.of(i.id(), i.title(), owner(i), Output.when(i.dueAt()), i.state(),
                i.doneBy() == null ? "-" : i.doneBy() + " " + Output.when(i.doneAt()), note(i)))
            .toList());
      }
      return 0;
    }

    private static String owner(ChecklistItemState i) {
      return i.escalatedAt() != null && i.escalateTo() != null ? i.owner() + " -> " + i.escalateTo() : i.owner();
    }

    private static String note(ChecklistItemState i) {
      if (i.note() != null) {
        return i.note();
      }
      if (i.evidence() != null) {
        return i.evidence();
      }
      return i.check() == null ? "-" : "checked: " + i.check();
    }
  }

  @Command(name = "done", mixinStandardHelpOptions = true,
      description = "Tick an item of a run's checklist; you must hold its owner role (or the role it escalated to).")
  static final class Done extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "The run's workflow ID, e.g. rollback-api.")
    String run;

    @Parameters(index = "1", paramLabel = "ITEM", description = "The item's id, as `runbook checklist RUN` lists it.")
    String item;

    @Option(names = "--note", description = "What was done or found, for the record.")
    String note;

    @Option(names = "--as", description = "Who you are, in a local dev; elsewhere your token says it (--as must then be the token's person).")
    String as;

    Done(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      ChecklistItemState i = context.checklists().done(run, item, person(as), note);
      if (json) {
        Output.json(out(), i);
      } else {
        out().printf("%s: %s done by %s at %s%n", run, i.id(), i.doneBy(), Output.when(i.doneAt()));
      }
      return 0;
    }
  }
}
