package dev.runbook.starter.cli;

import dev.runbook.starter.Releases;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The release ledger from the command line: what each service ran, and recording deploys. */
final class LedgerCommands {
  private LedgerCommands() {}

  @Command(name = "record", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "WHAT",
      description = "Record something the product did not do itself: `record deploy`.")
  static final class Record implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "say what to record: deploy");
    }
  }

  @Command(name = "deploy", mixinStandardHelpOptions = true,
      description = {"Record in the release ledger that VERSION now runs on SERVICE (CI/CD calls this after"
          + " each deploy). Rollbacks choose their target from the ledger: the newest version verified"
          + " healthy and never rolled back from. For a service with a configuration, a worker snapshots it"
          + " (sealed; the ledger shows names and short hashes only) and the release records it. Recording"
          + " the same deploy again changes nothing."})
  static final class Deploy extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Option(names = "--schema", paramLabel = "N", description = "The schema (migration) version it runs with.")
    String schema;

    @Option(names = "--verified", description = "Its checks passed after the deploy: it counts as good now"
        + " (otherwise once it has run the service's soak time without a rollback).")
    boolean verified;

    @Option(names = "--key", paramLabel = "KEY", description = "An ID of this deploy (the CI job's), so a retried record changes nothing.")
    String key;

    @Option(names = "--as", paramLabel = "NAME", description = "Who records it (default: $RUNBOOK_AS, else your user name).")
    String as;

    Deploy(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      Releases.Recorded r = context.releases().record(service, version, schema, verified, key, person(as));
      if (json) {
        Output.json(out(), r);
        return 0;
      }
      Releases.Release x = r.release();
      out().println((r.created() ? "recorded: " : "already recorded: ") + x.service() + " " + x.version()
          + " deployed " + Output.when(x.deployedAt()) + " by " + x.deployedBy()
          + (x.schemaVersion() == null ? "" : ", schema " + x.schemaVersion())
          + (x.config() == null ? "" : ", configuration " + x.config()) + "; " + x.state());
      return 0;
    }
  }

  @Command(name = "releases", mixinStandardHelpOptions = true,
      description = "What the release ledger knows of a service, newest first: each version, who deployed it,"
          + " and what became of it. Rollbacks choose their target from this.")
  static final class ReleasesCommand extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    ReleasesCommand(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      List<Releases.Release> releases = context.releases().history(service, limit);
      if (json) {
        Output.json(out(), releases);
        return 0;
      }
      if (releases.isEmpty()) {
        out().println("the release ledger has nothing on " + service + " yet: rollbacks record what they deploy,"
            + " and `runbook record deploy " + service + " VERSION` records a deploy");
        return 0;
      }
      boolean configs = releases.stream().anyMatch(r -> r.config() != null);
      List<List<String>> rows = new ArrayList<>();
      for (Releases.Release r : releases) {
        List<String> row = new ArrayList<>(List.of(Output.when(r.deployedAt()), r.version(),
            Objects.toString(r.schemaVersion(), "-"), r.source() + (r.forced() ? " (forced)" : ""), r.deployedBy(),
            r.state()));
        if (configs) {
          row.add(r.config() == null ? "-" : r.config() + " (" + r.configState() + ")");
        }
        rows.add(row);
      }
      List<String> header = new ArrayList<>(List.of("DEPLOYED", "VERSION", "SCHEMA", "BY", "WHO", "STATE"));
      if (configs) {
        header.add("CONFIGURATION");
      }
      Output.table(out(), header, rows);
      return 0;
    }
  }
}
