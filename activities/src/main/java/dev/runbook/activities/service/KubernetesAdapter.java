package dev.runbook.activities.service;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.workflows.activities.FailureType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Kubernetes deployment driven with kubectl. A deploy to a version the deployment ran before is
 * {@code rollout undo --to-revision=N} (the whole pod template of that revision comes back, not
 * only the image); any other version is {@code set image}. Both wait with {@code rollout
 * status}. Stop and start scale to zero and back to the replica count recorded at stop.
 *
 * <p>Earlier versions come from the deployment's ReplicaSets, which are its rollout history (what
 * {@code rollout history} reads) and, unlike that command's table, carry each revision's image
 * in a form every kubectl version prints the same way.
 */
final class KubernetesAdapter extends BaseAdapter {
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
  private static final Duration COMMAND_SLACK = Duration.ofSeconds(30);

  private final KubernetesSettings settings;
  private final Path replicasFile;
  private final Path workDir;
  private final Executables executables;

  KubernetesAdapter(String service, KubernetesSettings settings, Endpoints endpoints,
      Path baseDir, Path stateDir, Executables executables) {
    super(service, endpoints);
    this.settings = settings;
    this.workDir = baseDir;
    this.replicasFile = stateDir.resolve("replicas");
    this.executables = executables;
  }

  /** @param image the container's image reference, or "" when the container was not found */
  record Status(int replicas, int ready, String image) {}

  record Revision(long number, String image) {}

  @Override
  public void checkVersion(String version) {
    if (!TAG.matcher(version).matches() && !DIGEST.matcher(version).matches()) {
      throw Failures.of(FailureType.INVALID_INPUT, "'" + version + "' is neither an image tag"
          + " nor a sha256 digest: give the tag (or digest) to deploy");
    }
  }

  private String deploymentRef() {
    return "deployment/" + settings.deployment();
  }

  private CommandRunner.Command command(Duration timeout, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(executables.require("kubectl", settings.binary(),
        "services." + service + ".kubernetes.binary"));
    if (settings.context() != null) {
      argv.add("--context");
      argv.add(settings.context());
    }
    argv.add("-n");
    argv.add(settings.namespace());
    argv.addAll(List.of(args));
    return new CommandRunner.Command(argv, Map.of(), workDir, timeout);
  }

  private CommandRunner.Command command(String... args) {
    return command(Duration.ofMinutes(1), args);
  }

  private Step commandStep(String progress, CommandRunner.Command command) {
    return new Step(command.display(), trace -> {
      trace.progress(progress);
      trace.runChecked(command, KubernetesAdapter::classify);
      return null;
    });
  }

  private Step rolloutStep() {
    return commandStep("waiting for the rollout of " + deploymentRef(),
        command(settings.rolloutTimeout().plus(COMMAND_SLACK), rolloutStatusArgs()));
  }

  /** The image of the configured container in a pod template, as a kubectl jsonpath. */
  private String containerImagePath() {
    return "{.spec.template.spec.containers[?(@.name==\"" + settings.container()
        + "\")].image}";
  }

  private String[] statusArgs() {
    return new String[] {"get", deploymentRef(), "-o",
        "jsonpath={.spec.replicas}{\"\\t\"}{.status.readyReplicas}{\"\\t\"}"
            + containerImagePath()};
  }

  private String[] revisionsArgs() {
    return new String[] {"get", "replicasets", "-o",
        "jsonpath={range .items[*]}{.metadata.ownerReferences[0].name}{\"\\t\"}"
            + "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}{\"\\t\"}"
            + containerImagePath() + "{\"\\n\"}{end}"};
  }

  private String[] rolloutStatusArgs() {
    return new String[] {"rollout", "status", deploymentRef(),
        "--timeout=" + settings.rolloutTimeout().toSeconds() + "s"};
  }

  private static FailureType classify(String output) {
    if (output.contains("(NotFound)")) {
      return FailureType.UNKNOWN_SERVICE;
    }
    if (output.contains("(Unauthorized)") || output.contains("(Forbidden)")
        || output.contains("You must be logged in")) {
      return FailureType.BAD_CREDENTIALS;
    }
    if (output.contains("context was not found") || output.contains("unable to find container")) {
      return FailureType.INVALID_INPUT;
    }
    return null;
  }

  Status status(Trace trace) {
    String out = trace.runChecked(command(statusArgs()), KubernetesAdapter::classify).stdout();
    String[] fields = out.strip().split("\t", -1);
    return new Status(number(fields, 0), number(fields, 1), fields.length > 2 ? fields[2] : "");
  }

  private static int number(String[] fields, int i) {
    if (i >= fields.length || fields[i].isBlank()) {
      return 0;
    }
    try {
      return Integer.parseInt(fields[i].strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The version part of an image reference: the digest, or the tag after the last ':'. */
  static Optional<String> versionOf(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return Optional.of(image.substring(at + 1));
    }
    int colon = image.lastIndexOf(':');
    if (colon > image.lastIndexOf('/')) {
      return Optional.of(image.substring(colon + 1));
    }
    return Optional.empty();
  }

  private String imageOf(String version) {
    return settings.image() + (DIGEST.matcher(version).matches() ? "@" : ":") + version;
  }

  private static Health healthOf(Status status) {
    boolean healthy = status.replicas() > 0 && status.ready() >= status.replicas();
    return new Health(healthy, status.ready() + "/" + status.replicas() + " replicas ready");
  }

  @Override
  public Plan planStop(Trace reads) {
    Status status = status(reads);
    if (status.replicas() == 0) {
      return Plan.nothing(deploymentRef() + " is already scaled to 0: nothing to stop");
    }
    return new Plan(List.of(
        // Remember the size, so start brings back as many replicas as there were.
        step("record " + status.replicas() + " replicas in " + replicasFile, trace ->
            StateFiles.write(replicasFile,
                (status.replicas() + "\n").getBytes(StandardCharsets.UTF_8))),
        commandStep("scaling " + deploymentRef() + " to 0",
            command("scale", deploymentRef(), "--replicas=0"))),
        "scale " + deploymentRef() + " from " + status.replicas() + " to 0");
  }

  private int startReplicas() {
    String recorded = StateFiles.readOrNull(replicasFile);
    if (recorded != null && recorded.strip().matches("[1-9][0-9]*")) {
      return Integer.parseInt(recorded.strip());
    }
    return settings.replicas() == null ? 1 : settings.replicas();
  }

  @Override
  public Plan planStart(Trace reads) {
    Status status = status(reads);
    if (status.replicas() > 0) {
      return Plan.nothing(deploymentRef() + " already has " + status.replicas()
          + " replicas: nothing to start");
    }
    int replicas = startReplicas();
    return new Plan(List.of(
        commandStep("scaling " + deploymentRef() + " to " + replicas,
            command("scale", deploymentRef(), "--replicas=" + replicas)),
        rolloutStep()),
        "scale " + deploymentRef() + " from 0 to " + replicas);
  }

  @Override
  public Plan planDeploy(String version, Trace reads) {
    checkVersion(version);
    Status status = status(reads);
    Optional<String> tag = versionOf(status.image());
    if (tag.filter(version::equals).isPresent()) {
      boolean runsIt = !endpoints.hasVersion()
          || endpoints.version(reads).filter(version::equals).isPresent();
      Health health = endpoints.hasHealth() ? endpoints.health(reads) : healthOf(status);
      if (runsIt && health.healthy()) {
        return Plan.nothing(deploymentRef() + " already runs " + version + " and is healthy ("
            + health.detail() + ")");
      }
      // Set to this version already but not healthy yet: nothing to change; waiting is not a
      // change either, so a retry after it does not count as a second deploy.
      return new Plan(List.of(), deploymentRef() + " is already set to " + version
          + " but not healthy yet (" + health.detail() + ")");
    }
    List<Revision> revisions = revisions(reads);
    Optional<Revision> earlier = revisions.stream().skip(1)
        .filter(r -> versionOf(r.image()).filter(version::equals).isPresent())
        .findFirst();
    Step change = earlier
        .map(r -> commandStep("rolling " + deploymentRef() + " back to revision " + r.number(),
            command("rollout", "undo", deploymentRef(), "--to-revision=" + r.number())))
        .orElseGet(() -> commandStep("setting the image of " + deploymentRef() + " to "
            + version, command("set", "image", deploymentRef(),
                settings.container() + "=" + imageOf(version))));
    String how = earlier.map(r -> "rollout undo to revision " + r.number())
        .orElse("set image " + imageOf(version));
    return new Plan(List.of(change, rolloutStep()), "deploy " + version + " to "
        + deploymentRef() + " (running now: " + tag.orElse("unknown") + ") with " + how);
  }

  /** New pods, which read the ConfigMap and env again; a deployment scaled to 0 reads it when it starts. */
  @Override
  public Plan planRestart(Trace reads) {
    Status status = status(reads);
    if (status.replicas() == 0) {
      return Plan.nothing(deploymentRef() + " is scaled to 0: its pods read the configuration when it starts");
    }
    return new Plan(List.of(
        commandStep("restarting the pods of " + deploymentRef(), command("rollout", "restart", deploymentRef())),
        rolloutStep()),
        "restart the pods of " + deploymentRef());
  }

  /** The deployment's revisions, newest (the current one) first. */
  List<Revision> revisions(Trace trace) {
    String out = trace.runChecked(command(revisionsArgs()), KubernetesAdapter::classify).stdout();
    List<Revision> revisions = new ArrayList<>();
    for (String line : out.lines().toList()) {
      String[] f = line.split("\t", -1);
      if (f.length < 3 || !f[0].equals(settings.deployment()) || !f[1].matches("[0-9]+")
          || f[2].isBlank()) {
        continue;
      }
      revisions.add(new Revision(Long.parseLong(f[1]), f[2].strip()));
    }
    revisions.sort(Comparator.comparingLong(Revision::number).reversed());
    return revisions;
  }

  @Override
  public List<String> previousVersions(Trace trace) {
    Set<String> versions = new LinkedHashSet<>();
    for (Revision r : revisions(trace)) {
      versionOf(r.image()).ifPresent(versions::add);
    }
    return List.copyOf(versions);
  }

  @Override
  protected Health ownHealth(Trace trace) {
    return healthOf(status(trace));
  }

  @Override
  protected List<String> planOwnHealth() {
    return List.of(command(statusArgs()).display());
  }

  @Override
  protected Optional<String> ownVersion(Trace trace) {
    return versionOf(status(trace).image());
  }

  @Override
  protected List<String> planOwnVersion() {
    return List.of(command(statusArgs()).display());
  }
}
