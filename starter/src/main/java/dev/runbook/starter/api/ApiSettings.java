package dev.runbook.starter.api;

import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Person;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the HTTP API needs from {@code runbook.yaml}. Missing parts take their defaults; {@link
 * #problems(String)} lists everything wrong at once, each naming its YAML path and the fix.
 *
 * @param listen host:port to bind; port 0 picks a free one (tests)
 * @param threads request threads; requests beyond them queue, then slow the acceptor down
 * @param people who may call the API, each identified by the SHA-256 of their bearer token
 * @param starters roles allowed to start runs (also through Alertmanager); empty means anyone known
 * @param environments what a full rollback of each environment covers when the request omits it
 * @param alertRoutes which Alertmanager alerts start which runbook, first match wins
 * @param drills what a drill started on demand takes from the configuration
 * @param readTimeout how long a client has to send a whole request (line, headers and body, and
 *     the TLS handshake) once its first byte arrived; then the connection is closed
 * @param writeTimeout how long a client has to take in an answer; then the connection is closed
 * @param maxConnections connections served at once; more are closed at once, never queued
 * @param tls the certificate to serve HTTPS with; null serves plain HTTP
 * @param console the approval console's secret, public URL and lifetimes
 */
public record ApiSettings(
    String listen,
    Integer threads,
    List<PersonEntry> people,
    List<String> starters,
    Map<String, Environment> environments,
    List<AlertRoute> alertRoutes,
    dev.runbook.starter.client.DrillDefaults drills,
    Duration readTimeout,
    Duration writeTimeout,
    Integer maxConnections,
    ApiTls tls,
    ConsoleSettings console) {

  /** Settings without console settings (a per-process key, no one-time links). */
  public ApiSettings(String listen, Integer threads, List<PersonEntry> people, List<String> starters,
      Map<String, Environment> environments, List<AlertRoute> alertRoutes,
      dev.runbook.starter.client.DrillDefaults drills, Duration readTimeout, Duration writeTimeout,
      Integer maxConnections, ApiTls tls) {
    this(listen, threads, people, starters, environments, alertRoutes, drills, readTimeout, writeTimeout,
        maxConnections, tls, null);
  }

  /** Settings without configured drills. */
  public ApiSettings(String listen, Integer threads, List<PersonEntry> people, List<String> starters,
      Map<String, Environment> environments, List<AlertRoute> alertRoutes) {
    this(listen, threads, people, starters, environments, alertRoutes, null);
  }

  /** Settings with the default timeouts and connection limit, without TLS. */
  public ApiSettings(String listen, Integer threads, List<PersonEntry> people, List<String> starters,
      Map<String, Environment> environments, List<AlertRoute> alertRoutes,
      dev.runbook.starter.client.DrillDefaults drills) {
    this(listen, threads, people, starters, environments, alertRoutes, drills, null, null, null, null);
  }

  public static final String DEFAULT_LISTEN = "127.0.0.1:8080";
  public static final int DEFAULT_THREADS = 16;
  public static final int MAX_THREADS = 256;
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
  public static final int DEFAULT_MAX_CONNECTIONS = 256;
  public static final int MAX_CONNECTIONS = 4096;

  /** The same settings on another listen address. */
  public ApiSettings withListen(String address) {
    return new ApiSettings(address, threads, people, starters, environments, alertRoutes, drills, readTimeout,
        writeTimeout, maxConnections, tls, console);
  }

  /** The same settings with other timeouts and connection limit. */
  public ApiSettings withLimits(Duration read, Duration write, Integer connections) {
    return new ApiSettings(listen, threads, people, starters, environments, alertRoutes, drills, read, write,
        connections, tls, console);
  }

  /** The same settings serving HTTPS with {@code tls} (null: plain HTTP). */
  public ApiSettings withTls(ApiTls tls) {
    return new ApiSettings(listen, threads, people, starters, environments, alertRoutes, drills, readTimeout,
        writeTimeout, maxConnections, tls, console);
  }

  /** The same settings with other console settings. */
  public ApiSettings withConsole(ConsoleSettings console) {
    return new ApiSettings(listen, threads, people, starters, environments, alertRoutes, drills, readTimeout,
        writeTimeout, maxConnections, tls, console);
  }

  /** "https" with TLS, else "http". */
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9.-]+):([0-9]{1,5})");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

  public ApiSettings {
    listen = listen == null ? DEFAULT_LISTEN : listen;
    threads = threads == null ? DEFAULT_THREADS : threads;
    people = people == null ? List.of() : people;
    starters = starters == null ? List.of() : starters;
    environments = environments == null ? Map.of() : environments;
    alertRoutes = alertRoutes == null ? List.of() : alertRoutes;
    drills = drills == null ? dev.runbook.starter.client.DrillDefaults.none() : drills;
    readTimeout = readTimeout == null ? DEFAULT_READ_TIMEOUT : readTimeout;
    writeTimeout = writeTimeout == null ? DEFAULT_WRITE_TIMEOUT : writeTimeout;
    maxConnections = maxConnections == null ? DEFAULT_MAX_CONNECTIONS : maxConnections;
    console = console == null ? ConsoleSettings.none() : console;
  }

  /**
   * Someone who may call the API. The token itself is never stored: {@code runbook token new}
   * prints a token for the person and the hash to put here.
   */
  public record PersonEntry(String name, List<String> roles, String tokenSha256) {
    public Person person() {
      return new Person(name, roles == null ? List.of() : List.copyOf(roles));
    }
  }

  /**
   * The services (in start order) and databases of an environment, for full rollbacks.
   */
  public record Environment(List<String> services, List<String> databases) {
    public Environment {
      services = services == null ? List.of() : services;
      databases = databases == null ? List.of() : databases;
    }
  }

  public InetSocketAddress listenAddress() {
    var m = HOST_PORT.matcher(listen);
    if (!m.matches()) {
      throw new IllegalStateException("listen '" + listen + "' is not host:port");
    }
    String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
    return new InetSocketAddress(host, Integer.parseInt(m.group(2)));
  }

  /**
   * Everything wrong, each message naming the path under {@code path} (e.g. "api"), what is
   * wrong and the fix; empty when the settings can be used.
   */
  public List<String> problems(String path) {
    String at = path == null || path.isEmpty() ? "" : path + ".";
    List<String> p = new ArrayList<>();
    var m = HOST_PORT.matcher(listen);
    if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
      p.add(at + "listen: '" + Validation.printable(listen)
          + "' is not host:port: use e.g. 127.0.0.1:8080 (0.0.0.0:8080 to listen on every interface)");
    }
    if (threads < 1 || threads > MAX_THREADS) {
      p.add(at + "threads: " + threads + " is out of range: use 1 to " + MAX_THREADS
          + " (default " + DEFAULT_THREADS + ")");
    }
    timeoutProblem(at + "readTimeout", readTimeout, DEFAULT_READ_TIMEOUT, p);
    timeoutProblem(at + "writeTimeout", writeTimeout, DEFAULT_WRITE_TIMEOUT, p);
    if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS) {
      p.add(at + "maxConnections: " + maxConnections + " is out of range: use 1 to " + MAX_CONNECTIONS
          + " (default " + DEFAULT_MAX_CONNECTIONS + ")");
    } else if (maxConnections < threads) {
      p.add(at + "maxConnections: " + maxConnections + " is below threads (" + threads + "), so some threads"
          + " could never serve: raise maxConnections or lower threads");
    }
    if (tls != null) {
      p.addAll(tls.problems(at + "tls."));
    }
    p.addAll(console.problems(at + "console."));
    peopleProblems(at, p);
    for (int i = 0; i < starters.size(); i++) {
      if (blank(starters.get(i))) {
        p.add(at + "starters[" + i + "]: a role is empty: name a role, or leave starters empty to let anyone known start runs");
      }
    }
    new TreeMap<>(environments).forEach((name, env) -> environmentProblems(at + "environments." + name, name, env, p));
    Set<String> routeNames = new HashSet<>();
    for (int i = 0; i < alertRoutes.size(); i++) {
      String routePath = at + "alertRoutes[" + i + "]";
      AlertRoute route = alertRoutes.get(i);
      if (route == null) {
        p.add(routePath + ": the entry is empty: give name, match, runbook, service or serviceLabel and severity");
        continue;
      }
      p.addAll(route.problems(routePath, environments.keySet()));
      if (route.name() != null && !routeNames.add(route.name())) {
        p.add(routePath + ".name: '" + route.name() + "' is used by an earlier route: give each route its own name");
      }
    }
    return p;
  }

  private void peopleProblems(String at, List<String> p) {
    if (people.isEmpty()) {
      p.add(at + "people: nobody is configured, so every request would be refused:"
          + " add people with name, roles and tokenSha256 (from `runbook token new`)");
    }
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> hashes = new HashMap<>();
    for (int i = 0; i < people.size(); i++) {
      String entry = at + "people[" + i + "]";
      PersonEntry person = people.get(i);
      if (person == null) {
        p.add(entry + ": the entry is empty: give name, roles and tokenSha256");
        continue;
      }
      if (blank(person.name())) {
        p.add(entry + ".name: is required: the name runs and votes are recorded under");
      } else if (!Validation.NAME.matcher(person.name()).matches()) {
        p.add(entry + ".name: '" + Validation.printable(person.name())
            + "' is not a valid name: use lower-case letters, digits, '.', '_' or '-'");
      } else {
        Integer earlier = names.putIfAbsent(person.name(), i);
        if (earlier != null) {
          p.add(entry + ".name: '" + person.name() + "' is also people[" + earlier + "]: list each person once");
        }
      }
      if (person.roles() != null) {
        for (int r = 0; r < person.roles().size(); r++) {
          if (blank(person.roles().get(r))) {
            p.add(entry + ".roles[" + r + "]: a role is empty: name the role or remove the entry");
          }
        }
      }
      if (blank(person.tokenSha256())) {
        p.add(entry + ".tokenSha256: is required: use the hash printed by `runbook token new`");
      } else if (!SHA256_HEX.matcher(person.tokenSha256()).matches()) {
        p.add(entry + ".tokenSha256: not a SHA-256 hex digest (64 hex digits):"
            + " use the value printed by `runbook token new`, never the token itself");
      } else {
        Integer earlier = hashes.putIfAbsent(person.tokenSha256().toLowerCase(Locale.ROOT), i);
        if (earlier != null) {
          p.add(entry + ".tokenSha256: the same token hash as people[" + earlier
              + "]: give each person their own token (`runbook token new`)");
        }
      }
    }
  }

  private static void environmentProblems(String path, String name, Environment env, List<String> p) {
    if (!Validation.NAME.matcher(name).matches()) {
      p.add(path + ": '" + Validation.printable(name)
          + "' is not a valid environment name: use lower-case letters, digits, '.', '_' or '-'");
    }
    if (env == null || env.services().isEmpty()) {
      p.add(path + ".services: is required: list the environment's services in start order");
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < env.services().size(); i++) {
      String s = env.services().get(i);
      if (s == null || !Validation.NAME.matcher(s).matches()) {
        p.add(path + ".services[" + i + "]: '" + (s == null ? "" : Validation.printable(s))
            + "' is not a valid service name: use the name the service has under services");
      } else if (!seen.add(s)) {
        p.add(path + ".services[" + i + "]: '" + s + "' is listed twice: list each service once");
      }
    }
    for (int i = 0; i < env.databases().size(); i++) {
      String d = env.databases().get(i);
      if (d == null || !Validation.NAME.matcher(d).matches()) {
        p.add(path + ".databases[" + i + "]: '" + (d == null ? "" : Validation.printable(d))
            + "' is not a valid database name: use the name the database has under databases");
      }
    }
  }

  /**
   * What is wrong with the TLS files (see {@link ApiTls#fileProblems}); empty without TLS or when
   * {@link #problems} already names what TLS lacks. Only the API server needs the files.
   */
  public List<String> tlsFileProblems(String path) {
    String at = path == null || path.isEmpty() ? "" : path + ".";
    if (tls == null || !tls.problems(at + "tls.").isEmpty()) {
      return List.of();
    }
    return tls.fileProblems(at + "tls.");
  }

  private static void timeoutProblem(String path, Duration value, Duration fallback, List<String> p) {
    if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(MAX_TIMEOUT) > 0) {
      p.add(path + ": " + value.toSeconds() + "s is out of range: use 1s to " + MAX_TIMEOUT.toMinutes()
          + "m (default " + fallback.toSeconds() + "s)");
    }
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
