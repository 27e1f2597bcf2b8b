package dev.runbook.worker;

import dev.runbook.activities.audit.RollbackLogStore;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.demo.Demo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Show runbook at work on this machine, with nothing to configure: a PostgreSQL (from "
        + AuditDatabase.ENV_URL + ", one on 127.0.0.1 that lets you in, or a private one from the installed"
        + " binaries), a sample service deployed at v2 over v1 and a sample database with a bad migration;"
        + " then a P1 emergency rollback with its database revert, approved by a second person, and the"
        + " rollback log. Exits 0 only if the service answers v1, the schema is back at 2 and the log has the run."
        + " Its state (configuration, service, backups, private PostgreSQL, rollback log) is kept in"
        + " .runbook/demo, apart from dev and worker; it can run any number of times."})
final class DemoCommand implements Callable<Integer> {
  /** Under the state root (.runbook), next to what dev and worker keep there. */
  static final String STATE_DIR = "demo";

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path stateDir = Path.of("").toAbsolutePath().resolve(".runbook").resolve(STATE_DIR);
    Demo demo = new Demo(out, stateDir);
    out.println("runbook demo: a rollback from start to finish, on this machine.");
    out.flush();
    try (AutoCloseable held = demo.lock()) {
      demo.extractResources();
      AuditDatabase.Server found = AuditDatabase.configured(null);
      if (found == null) {
        found = AuditDatabase.localDefault();
      }
      if (found == null && AuditDatabase.stopLeftoverPrivate(stateDir)) {
        out.println("stopped the demo's PostgreSQL that an interrupted demo left running");
      }
      try (AuditDatabase audit = AuditDatabase.openOrStartPrivate(
          found == null ? null : found.withDatabase(Demo.LOG_DB), stateDir)) {
        return run(demo, audit, out);
      }
    } finally {
      out.flush();
    }
  }

  private static int run(Demo demo, AuditDatabase audit, PrintWriter out) throws Exception {
    var db = audit.server();
    out.printf("PostgreSQL: %s:%d (%s)%n", db.host(), db.port(),
        audit.owned() != null ? "a private cluster started for the demo" : "given");
    demo.createShopDatabase(db.host(), db.port(), db.user(), db.password().reveal());
    out.printf("sample database %s: migrations 1, 2 and 3 applied (3 is the bad one: it drops the price column)%n", Demo.SHOP_DB);

    Demo.Setup setup = demo.writeConfig(db.host(), db.port(), db.user(), 0);
    String password = db.password().reveal();
    Settings settings = new Settings(
        ConfigLoader.load(setup.configFile(), name -> name.equals("RUNBOOK_DEMO_DB_PASSWORD") ? password : System.getenv(name)),
        setup.configFile().getParent(), setup.configFile().toString());
    ServiceActivitiesImpl services =
        new ServiceActivitiesImpl(settings.config().services(), settings.baseDir(), settings.stateDir());
    if (demo.resetSampleService(services)) {
      out.println("stopped the sample service that an interrupted demo left running");
    }
    demo.deploySampleService(services);
    out.printf("sample service %s: a real process on http://127.0.0.1:%d, v2 deployed over v1%n",
        Demo.SERVICE, setup.servicePort());
    out.printf("its configuration: %s (the demo's state stays in %s, apart from dev and worker)%n",
        setup.configFile(), demo.stateDir());
    out.flush();

    List<String> failures;
    try (Processes.DevStack stack = new Processes.DevStack(settings, audit, System.out)) {
      out.printf("Temporal: %s (%s); worker polling %s%n", stack.address(),
          stack.embedded != null ? "embedded" : "real server", settings.config().temporal().taskQueue());
      RunbookClient client = stack.runbooks;
      Demo.Outcome outcome = demo.rollback(client);
      RollbackLogStore store = new RollbackLogStore(audit.dataSource());
      demo.printLog(client, store, Wiring.drillLog(audit.dataSource()), stack.releases,
          new dev.runbook.activities.database.BackupCatalog(audit.dataSource())::list);
      failures = demo.check(setup, password, outcome, store);
    } finally {
      demo.stopSampleService(services);
    }
    out.println();
    if (failures.isEmpty()) {
      out.println("demo passed: " + Demo.SERVICE + " answers v1, its schema is back at 2 with every order's price, and the log has the run.");
      return 0;
    }
    out.println("demo FAILED:");
    failures.forEach(f -> out.println("  " + f));
    return 1;
  }
}
