package dev.runbook.starter.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options and helpers every command shares. */
abstract class Common {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print data as JSON, for scripts.")
  boolean json;

  final CliContext context;

  Common(CliContext context) {
    this.context = context;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /**
   * Who says they act: --as, else RUNBOOK_AS, else null (the token's person). A name alone proves
   * nothing: the API takes the person from the token, and trusts a name only from a local dev.
   */
  static String person(String as) {
    if (as != null && !as.isBlank()) {
      return as;
    }
    String env = System.getenv("RUNBOOK_AS");
    return env != null && !env.isBlank() ? env : null;
  }
}
