package dev.runbook.activities.service;

import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A worker JVM in miniature for {@link ProcessAdapterTest}: it deploys the sample service through
 * the process adapter and exits at once, so the test can show the service outlives it.
 *
 * <p>Arguments: port, state directory, sample service classpath, version.
 */
public final class WorkerThatExits {
  private WorkerThatExits() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Path stateDir = Path.of(args[1]);
    ServiceSettings api = ProcessAdapterTest.settings(port, args[2], stateDir.resolve("flag"));
    ServiceActivitiesImpl activities = new ServiceActivitiesImpl(Map.of("api", api),
        stateDir, stateDir, System.getenv("PATH"), Clock.systemUTC());
    System.out.println(activities.deploy(new DeployRequest("api", args[3], "exiting-worker",
        false)).detail());
    System.exit(0);
  }

  static List<String> command(int port, Path stateDir, String classes, String version) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-cp", System.getProperty("java.class.path"),
        WorkerThatExits.class.getName(), Integer.toString(port), stateDir.toString(), classes,
        version);
  }
}
