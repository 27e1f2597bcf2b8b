package dev.runbook.activities.check;

import dev.runbook.activities.Heartbeat;
import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.workflows.activities.CheckActivities;
import dev.runbook.workflows.activities.CheckResult;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.Validation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Smoke checks and error-rate readings, configured per service. Both only read (an HTTP GET, a
 * query in a read-only transaction, a check command, a Prometheus query), so running one twice is
 * harmless: they are idempotent by nature and need no key. In a dry run nothing is contacted; the
 * result lists what would be.
 */
public final class CheckActivitiesImpl implements CheckActivities {
  private final Map<String, ServiceChecks> services;
  private final SmokeCheck smoke;

  /**
   * @param services the checks of each service, by service name
   * @param baseDir the directory relative paths in the configuration are resolved against
   */
  public CheckActivitiesImpl(Map<String, ServiceChecks> services, Path baseDir) {
    this.services = Map.copyOf(services);
    this.smoke = new SmokeCheck(baseDir, new CommandRunner());
  }

  @Override
  public CheckReport smokeChecks(CheckRequest request) {
    String service = request.service();
    List<CheckSettings> checks = checksOf(service).smokeChecks();
    List<String> planned = checks.stream().map(SmokeCheck::plan).toList();
    if (request.dryRun()) {
      List<CheckResult> notRun = checks.stream()
          .map(c -> new CheckResult(c.name(), true, "dry run: not run"))
          .toList();
      return new CheckReport(service, true, notRun, planned);
    }
    Heartbeat heartbeat = Heartbeat.current();
    List<CheckResult> results = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      CheckSettings check = checks.get(i);
      heartbeat.beat("smoke check " + (i + 1) + "/" + checks.size() + ": " + check.name());
      results.add(smoke.run(check, heartbeat));
    }
    List<CheckResult> failed = results.stream().filter(r -> !r.passed()).toList();
    if (!failed.isEmpty()) {
      throw Failures.of(FailureType.VERIFICATION_FAILED, service + ": " + failed.size() + " of "
          + results.size() + " smoke checks failed: " + failed.stream()
              .map(r -> r.name() + " (" + r.detail() + ")")
              .collect(Collectors.joining("; ")));
    }
    return new CheckReport(service, true, results, planned);
  }

  @Override
  public ErrorRateReading errorRate(ErrorRateRequest request) {
    String service = request.service();
    ErrorRateSettings settings = checksOf(service).errorRate();
    if (settings == null) {
      return new ErrorRateReading(service, null, ErrorRateSettings.DEFAULT_THRESHOLD, true,
          "no error-rate check is configured for " + service + " (services." + service
              + ".errorRate): nothing was measured", List.of());
    }
    String url = Prometheus.queryUrl(settings);
    List<String> planned = List.of("GET " + HttpProbe.display(url));
    double threshold = settings.threshold();
    if (request.dryRun()) {
      return new ErrorRateReading(service, null, threshold, true,
          "dry run: the error rate was not read", planned);
    }
    Heartbeat.current().beat("reading the error rate of " + service);
    Prometheus.Reading reading = Prometheus.read(settings, "services." + service + ".errorRate");
    if (reading.value() == null) {
      if (request.enforce()) {
        throw Failures.of(FailureType.VERIFICATION_FAILED, service + ": the error rate is unknown: "
            + reading.detail());
      }
      return new ErrorRateReading(service, null, threshold, false, reading.detail(), planned);
    }
    double rate = reading.value();
    boolean within = rate <= threshold;
    String detail = service + ": error rate " + rate + (within ? " is within" : " is above")
        + " the threshold " + threshold;
    if (!within && request.enforce()) {
      throw Failures.of(FailureType.ERROR_RATE_ABOVE_THRESHOLD, detail);
    }
    return new ErrorRateReading(service, rate, threshold, within, detail, planned);
  }

  private ServiceChecks checksOf(String service) {
    if (service == null || !Validation.NAME.matcher(service).matches()) {
      throw Failures.of(FailureType.INVALID_INPUT, "service '"
          + Validation.printable(String.valueOf(service)) + "' is not a valid service name: use"
          + " lower-case letters, digits, '.', '_' or '-'");
    }
    ServiceChecks checks = services.get(service);
    if (checks == null) {
      throw Failures.of(FailureType.UNKNOWN_SERVICE, "no service '" + service + "' is configured"
          + " (known: " + String.join(", ", services.keySet().stream().sorted().toList())
          + "): add it under services in runbook.yaml or fix the name");
    }
    return checks;
  }
}
