package dev.runbook.starter.api;

import com.sun.net.httpserver.HttpExchange;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.DrillLog;
import dev.runbook.starter.IncidentReports;
import dev.runbook.starter.Releases;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.client.ImportClient;
import dev.runbook.starter.client.Drills;
import dev.runbook.starter.client.TemporalJobs;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.starter.Checklists;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.client.TemporalChecklists;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Person;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (DESIGN §7) on the JDK's HTTP server: JSON under {@code /api/v1}, a bearer token
 * per person, the OpenAPI document, Prometheus metrics and a health probe. Everything it answers
 * is JSON except the metrics, and no answer carries a stack trace.
 *
 * <p>{@link ApiTransport} keeps slow and many clients from holding it: read and write timeouts, a
 * connection limit, at most {@code threads} answers computed at once, optional TLS, and the
 * security headers on every answer.
 */
public final class ApiServer implements AutoCloseable {
  /** How long {@link #close()} lets requests in flight finish. */
  public static final int GRACE_SECONDS = 5;

  static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final ApiTransport transport;
  /** How long close waits for requests already answered to finish before it judges the server idle. */
  private static final java.time.Duration SETTLE = java.time.Duration.ofMillis(250);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Router router = new Router();
  private final TokenAuth auth;
  private final List<String> starters;
  private final Supplier<String> metrics;
  private final BooleanSupplier healthy;
  private final Supplier<String> workersConfig;
  private final byte[] openApi;
  private final String scheme;

  /**
   * What the API reads and records besides runs.
   *
   * @param rollbackLog the rollback log (runs, newest first)
   * @param releases the release ledger (what each service ran; deploys CI records)
   * @param backups the backups recorded in the rollback log
   * @param drills the drills recorded in the rollback log, with their reports
   * @param reports the runs' incident reports, built from the rollback log
   * @param checklists the checklists the rollback log keeps, read once Temporal has forgotten one
   * @param linkUses where the console records one-time links opened
   */
  public record Records(RollbackLog rollbackLog, Releases releases, BackupList backups, DrillLog drills,
      IncidentReports reports, Checklists.Recorded checklists, ConsoleLinkUses linkUses) {
    /** Link uses recorded in this process only. */
    public Records(RollbackLog rollbackLog, Releases releases, BackupList backups, DrillLog drills,
        IncidentReports reports, Checklists.Recorded checklists) {
      this(rollbackLog, releases, backups, drills, reports, checklists, ConsoleLinkUses.inMemory());
    }

    /** Without incident reports (GET .../report answers 503, it never invents one) or kept checklists. */
    public Records(RollbackLog rollbackLog, Releases releases, BackupList backups, DrillLog drills) {
      this(rollbackLog, releases, backups, drills, IncidentReports.UNAVAILABLE, run -> java.util.List.of());
    }

    /** With incident reports, without kept checklists: a checklist is read from Temporal only. */
    public Records(RollbackLog rollbackLog, Releases releases, BackupList backups, DrillLog drills,
        IncidentReports reports) {
      this(rollbackLog, releases, backups, drills, reports, run -> java.util.List.of());
    }
  }

  /** An API that trusts tokens only, without the workers' fingerprint. */
  public ApiServer(
      ApiSettings settings,
      RunbookClient runbooks,
      Records records,
      Supplier<String> metrics,
      BooleanSupplier healthy)
      throws IOException {
    this(settings, null, () -> null, runbooks, records, metrics, healthy);
  }

  /**
   * A local dev's trust: whoever holds {@code secret} (a file only the dev's user can read) may
   * act as any of {@code people}, naming them with {@code --as}. Nothing else trusts a name.
   *
   * @param source the configuration the people come from, for messages
   */
  public record LocalDev(String secret, List<Person> people, String source) {
    @Override
    public String toString() {
      return "LocalDev[" + people.size() + " people from " + source + "]";
    }
  }

  /**
   * Binds the listen address; {@link #start()} begins serving.
   *
   * @param localDev a local dev's trust, or null (then only tokens identify people)
   * @param workersConfig the fingerprint of the configuration the workers run, sent with every
   *     answer so a CLI can tell whether its own differs; null when unknown
   * @param metrics the Prometheus text exposition of the process's metrics
   * @param healthy whether the API can do its work (Temporal reachable); false answers 503
   * @throws IllegalArgumentException when the settings have problems (each one is listed)
   */
  public ApiServer(
      ApiSettings settings,
      LocalDev localDev,
      Supplier<String> workersConfig,
      RunbookClient runbooks,
      Records records,
      Supplier<String> metrics,
      BooleanSupplier healthy)
      throws IOException {
    List<String> problems = new java.util.ArrayList<>(settings.problems("").stream()
        .filter(p -> localDev == null || !p.startsWith("people: nobody is configured"))
        .toList());
    problems.addAll(settings.tlsFileProblems("api"));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid API settings: " + String.join("; ", problems));
    }
    this.auth = new TokenAuth(settings.people(), localDev);
    this.workersConfig = workersConfig;
    this.starters = List.copyOf(settings.starters());
    this.metrics = metrics;
    this.healthy = healthy;
    this.openApi = openApiDocument();

    RunsApi runs = new RunsApi(runbooks, records.rollbackLog(), Map.copyOf(settings.environments()));
    Drills drillStarts = new Drills(runbooks, settings.drills());
    AlertmanagerWebhook alerts = new AlertmanagerWebhook(List.copyOf(settings.alertRoutes()), runbooks, runs,
        new AlertDrills(drillStarts));
    ReleasesApi ledger = new ReleasesApi(records.releases());
    BackupsApi backups = new BackupsApi(records.backups(), new ImportClient(runbooks),
        new TemporalJobs(runbooks, BackupsApi.PRUNE_WAIT));
    DrillsApi drills = new DrillsApi(records.drills(), drillStarts);
    ReportsApi reports = new ReportsApi(records.reports(), runbooks, java.time.Clock.systemUTC());
    ChecklistsApi checklists = new ChecklistsApi(new TemporalChecklists(runbooks, records.checklists()));
    String r = RunsApi.RUNS;
    router
        .add("POST", r + "/emergency", Router.Access.STARTER, runs::startEmergency)
        .add("POST", r + "/database", Router.Access.STARTER, runs::startDatabase)
        .add("POST", r + "/full", Router.Access.STARTER, runs::startFull)
        .add("GET", r, Router.Access.PERSON, runs::list)
        .add("GET", r + "/{id}", Router.Access.PERSON, runs::status)
        .add("POST", r + "/{id}/approve", Router.Access.PERSON, runs::approve)
        .add("POST", r + "/{id}/reject", Router.Access.PERSON, runs::reject)
        .add("POST", r + "/{id}/decide", Router.Access.PERSON, runs::decide)
        .add("POST", r + "/{id}/cancel", Router.Access.PERSON, runs::cancel)
        .add("POST", r + "/{id}/disarm", Router.Access.PERSON, runs::disarm)
        .add("GET", r + "/{id}/report", Router.Access.PERSON, reports::report)
        .add("GET", ChecklistsApi.PATH, Router.Access.PERSON, checklists::checklist)
        .add("POST", ChecklistsApi.DONE, Router.Access.PERSON, checklists::done)
        .add("POST", ReleasesApi.DEPLOYS, Router.Access.PERSON, ledger::record)
        .add("GET", ReleasesApi.RELEASES, Router.Access.PERSON, ledger::history)
        .add("GET", BackupsApi.PATH, Router.Access.PERSON, backups::list)
        .add("POST", BackupsApi.IMPORTS, Router.Access.STARTER, backups::importFile)
        .add("POST", BackupsApi.PATH, Router.Access.STARTER, backups::start)
        .add("POST", BackupsApi.PRUNE, Router.Access.STARTER, backups::prune)
        .add("POST", DrillsApi.PATH, Router.Access.STARTER, drills::start)
        .add("GET", DrillsApi.REPORT, Router.Access.PERSON, drills::report)
        .add("POST", DrillsApi.CANCEL, Router.Access.PERSON, drills::cancel)
        .add("GET", DrillsApi.PATH, Router.Access.PERSON, drills::list)
        .add("GET", DrillsApi.PATH + "/{id}", Router.Access.PERSON, drills::find)
        .add("POST", AlertmanagerWebhook.PATH, Router.Access.STARTER, alerts::receive)
        .add("GET", "/openapi.json", Router.Access.PUBLIC, call -> new Response(200, Response.JSON, openApi, Map.of()))
        .add("GET", "/metrics", Router.Access.PUBLIC, call -> metrics())
        .add("GET", "/healthz", Router.Access.PUBLIC, call -> health());
    Console.routes(router, settings, auth, runbooks, records);

    this.scheme = settings.scheme();
    this.transport = new ApiTransport(settings, this::answer);
  }

  public ApiServer start() {
    transport.start();
    log.info("API listening on {}://{}:{}", scheme, transport.address().getHostString(), port());
    return this;
  }

  /** The bound port (the configured one, or the one picked for port 0). */
  public int port() {
    return transport.address().getPort();
  }

  /** "https" when serving TLS, else "http". */
  public String scheme() {
    return scheme;
  }

  /** "METHOD /template" for every bearer-API route, as the OpenAPI document must list them (not the console's). */
  public List<String> routes() {
    return router.routes().stream().filter(r -> !Console.owns(r.template()))
        .map(r -> r.method() + " " + r.template()).toList();
  }

  /**
   * Stops accepting at once and lets requests in flight finish for up to {@link #GRACE_SECONDS}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // HttpServer.stop(n) on Java 17 waits the full n seconds when nothing is in flight, so only
    // wait when something is. A request answered a moment ago may still be logging its line: give
    // it a moment to finish before judging.
    long settled = System.nanoTime() + SETTLE.toNanos();
    while (transport.inFlight() > 0 && System.nanoTime() < settled) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    transport.stop(transport.inFlight() == 0 ? 0 : GRACE_SECONDS);
    log.info("API stopped");
  }

  private ApiTransport.Reply answer(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    // The path only: a query could carry anything a client put there.
    String path = Console.loggable(Validation.printable(exchange.getRequestURI().getRawPath()));
    String requestId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    Router.Access access = Router.Access.PUBLIC;
    String who = "-";
    Response response;
    try {
      Router.Match match = router.match(method, exchange.getRequestURI().getRawPath());
      access = match.route().access();
      Person caller = null;
      if (access != Router.Access.PUBLIC) {
        caller = auth.authenticate(exchange.getRequestHeaders().getFirst("Authorization"),
            exchange.getRequestHeaders().getFirst(ApiClient.AS_HEADER), !method.equals("GET"));
        who = caller.name();
        if (access == Router.Access.STARTER && !starters.isEmpty() && !caller.hasAnyRole(starters)) {
          throw new ApiError(403, "forbidden", caller.name() + " may not start runs: that needs one of the roles "
              + String.join(", ", starters) + " (people[].roles in runbook.yaml)");
        }
      }
      response = match.route().handler().handle(new Call(exchange, caller, match.params()));
      if (Console.owns(path)) {
        response = ConsolePages.secured(response);
      }
    } catch (ApiError e) {
      response = Console.owns(path) ? ConsolePages.secured(e.response()) : e.response();
    } catch (RunbookException e) {
      response = Response.error(e.httpStatus(), e.code(), e.getMessage());
    } catch (IOException e) {
      // The client went away or sent a broken body; there is no one left to answer properly.
      log.debug("request {} {} {}: {}", requestId, method, path, e.toString());
      response = Response.error(400, "invalid_request", "the request could not be read");
    } catch (RuntimeException e) {
      log.error("request {} {} {} failed", requestId, method, path, e);
      response = Response.error(500, "internal", "internal error: see the server log for request " + requestId);
    }
    String config = workersConfig.get();
    if (config != null) {
      response = response.withHeader(ApiClient.CONFIG_HEADER, config);
    }
    Response answered = response;
    Router.Access seen = access;
    String by = who;
    return new ApiTransport.Reply(answered, requestId, ms -> {
      if (seen == Router.Access.PUBLIC && answered.status() < 400) {
        log.debug("{} {} {} {} ms", method, path, answered.status(), ms);
      } else {
        log.info("{} {} {} {} ms by {} from {} (request {})", method, path, answered.status(), ms, by,
            exchange.getRemoteAddress().getAddress().getHostAddress(), requestId);
      }
    });
  }

  private Response metrics() {
    String text = metrics.get();
    return new Response(200, METRICS_CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private Response health() {
    boolean ok;
    try {
      ok = healthy.getAsBoolean();
    } catch (RuntimeException e) {
      log.warn("health probe failed: {}", e.toString());
      ok = false;
    }
    return ok
        ? Response.json(200, Map.of("status", "ok"))
        : Response.json(503, Map.of("status", "unavailable", "message", "the health probe failed: is Temporal reachable?"));
  }

  private static byte[] openApiDocument() throws IOException {
    try (InputStream in = ApiServer.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the starter jar");
      }
      return in.readAllBytes();
    }
  }
}
