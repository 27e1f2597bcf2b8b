package dev.runbook.worker.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.runbook.activities.checklist.ChecklistSettings;
import dev.runbook.activities.database.DatabaseSettings;
import dev.runbook.activities.notify.NotifySettings;
import dev.runbook.activities.service.ServiceSettings;
import dev.runbook.activities.service.TargetKind;
import dev.runbook.starter.api.ApiSettings;
import dev.runbook.activities.drill.BreakSpec;
import dev.runbook.starter.client.DrillDefaults;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.DrillSchedule;
import dev.runbook.workflows.policy.PolicySnapshot;
import dev.runbook.workflows.policy.Slas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything in {@code runbook.yaml} (DESIGN §6), immutable, loaded and validated once by {@link
 * ConfigLoader}. Sections left out get their defaults.
 */
public record RunbookConfig(
    TemporalSettings temporal,
    AuditSettings audit,
    PolicySettings policy,
    List<PersonSettings> people,
    Map<String, ServiceSettings> services,
    Map<String, DatabaseSettings> databases,
    @JsonProperty("notify") NotifySettings notifications,
    Map<String, EnvironmentSettings> environments,
    ApiSection api,
    WorkerSettings worker,
    Slas slas,
    Map<String, DrillSettings> drills,
    Map<String, ChecklistSettings> checklists) {

  public RunbookConfig {
    temporal = temporal == null ? TemporalSettings.defaults() : temporal.withDefaults();
    policy = policy == null ? new PolicySettings(null, null, null, null) : policy;
    people = people == null ? List.of() : List.copyOf(people);
    services = services == null ? Map.of() : new LinkedHashMap<>(services);
    databases = databases == null ? Map.of() : new LinkedHashMap<>(databases);
    notifications = notifications == null ? NotifySettings.console() : notifications;
    environments = environments == null ? Map.of() : new LinkedHashMap<>(environments);
    slas = slas == null ? Slas.none() : slas;
    drills = drills == null ? Map.of() : new LinkedHashMap<>(drills);
    checklists = checklists == null ? Map.of() : new LinkedHashMap<>(checklists);
    worker = (worker == null ? new WorkerSettings(null, null, null, null, null, null) : worker).withDefaults();
  }

  /** No file: the embedded server, console messages, the default policy, nobody configured. */
  public static RunbookConfig defaults() {
    return new RunbookConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** The same configuration with the TLS files (API's, Temporal's) read against {@code dir}, the file's directory. */
  RunbookConfig resolvedAgainst(java.nio.file.Path dir) {
    return new RunbookConfig(temporal.resolvedAgainst(dir), audit, policy, people, services, databases, notifications,
        environments, api == null ? null : api.resolvedAgainst(dir), worker, slas, drills, checklists);
  }

  /** The policy and people the runs snapshot at their start. */
  public PolicySnapshot policySnapshot() {
    return new PolicySnapshot(policy.toPolicy(), people.stream().map(PersonSettings::toPerson).toList());
  }

  /** The API as configured: people with a token may call it. */
  public ApiSettings apiSettings() {
    ApiSection a = api == null ? ApiSection.defaults() : api;
    Map<String, ApiSettings.Environment> envs = new LinkedHashMap<>();
    environments.forEach((name, e) -> envs.put(name, new ApiSettings.Environment(e.services(), e.databaseList())));
    return new ApiSettings(
        a.listen(),
        a.threads(),
        people.stream().filter(p -> p.tokenSha256() != null)
            .map(p -> new ApiSettings.PersonEntry(p.name(), p.roles(), p.tokenSha256())).toList(),
        a.starters(),
        envs,
        a.alertRoutes(),
        drillDefaults(),
        a.readTimeout(),
        a.writeTimeout(),
        a.maxConnections(),
        a.tls(),
        a.console());
  }

  /** The request template of each configured drill, by drill name. */
  public Map<String, DrillRequest> drillTemplates() {
    Map<String, DrillRequest> out = new LinkedHashMap<>();
    drills.forEach((name, d) -> out.put(name, d.template(name, environments, slas)));
    return out;
  }

  /** What a drill started on demand takes from this configuration: its target's entry, slas, environments. */
  public DrillDefaults drillDefaults() {
    Map<String, DrillRequest> byTarget = new LinkedHashMap<>();
    drills.forEach((name, d) -> {
      try {
        DrillRequest t = d.template(name, environments, slas);
        byTarget.putIfAbsent(t.target(), t);
      } catch (RuntimeException notValidYet) {
        // Named by problems(), which also builds the API settings before the drills are judged.
      }
    });
    Map<String, List<String>> envServices = new LinkedHashMap<>();
    environments.forEach((name, e) -> {
      if (e != null && e.services() != null) {
        envServices.put(name, e.services());
      }
    });
    return new DrillDefaults(byTarget, slas, envServices);
  }

  /** What each drill target's configuration or command break writes or runs, by target (a version break needs none). */
  public Map<String, BreakSpec> drillBreaks(java.nio.file.Path baseDir) {
    Map<String, BreakSpec> out = new LinkedHashMap<>();
    drills.forEach((name, d) -> {
      BreakSpec spec = d == null || d.brokenWith() == null ? null : d.brokenWith().spec(baseDir);
      if (spec != null) {
        out.put(d.targetOr(name), spec);
      }
    });
    return out;
  }

  /** The schedule of each scheduled drill, by target (its run is {@code drills-<target>}). */
  public Map<String, DrillSchedule> drillSchedules() {
    Map<String, DrillSchedule> out = new LinkedHashMap<>();
    drills.forEach((name, d) -> d.drillSchedule(name, environments, slas)
        .ifPresent(s -> out.put(s.drill().target(), s)));
    return out;
  }

  /** The names of the statuspage channels under notify.channels. */
  Set<String> statuspageChannels() {
    Set<String> out = new java.util.TreeSet<>();
    if (notifications.channels() != null) {
      notifications.channels().forEach((name, c) -> {
        if (c != null && "statuspage".equals(c.kind())) {
          out.add(name);
        }
      });
    }
    return out;
  }

  /** Every problem, each naming its path and the fix. */
  List<String> problems() {
    List<String> p = new ArrayList<>();
    p.addAll(temporal.problems("temporal"));
    if (audit != null) {
      p.addAll(audit.problems("audit"));
    }
    p.addAll(policy.problems("policy"));
    for (int i = 0; i < people.size(); i++) {
      p.addAll(people.get(i).problems("people[" + i + "]"));
    }
    List<String> names = people.stream().map(PersonSettings::name).toList();
    for (int i = 0; i < names.size(); i++) {
      if (names.indexOf(names.get(i)) != i) {
        p.add("people[" + i + "].name: '" + names.get(i) + "' is listed twice: list each person once");
      }
    }
    p.addAll(ServiceSettings.problemsOf(services));
    databases.forEach((name, d) -> {
      if (d == null) {
        p.add("databases." + name + ": empty: give at least host, database and user");
      } else {
        p.addAll(d.problems("databases." + name));
      }
    });
    p.addAll(notifications.problems("notify"));
    if (notifications.channels() != null) {
      Set<String> listed = new java.util.HashSet<>(people.stream().map(PersonSettings::name).toList());
      new java.util.TreeMap<>(notifications.channels()).forEach((name, c) -> {
        if (c == null || c.person() == null) {
          return;
        }
        if (!listed.contains(c.person())) {
          p.add("notify.channels." + name + ".person: '" + c.person() + "' is not under people: name someone listed"
              + " there (their approval requests on this channel carry a link that acts as them)");
        }
        // Configured, not necessarily set here: the CLI loads the file without the servers' secrets
        // (an unset ${VAR} is judged where it is used, under api.console.secret).
        if (apiSettings().console().secret() == null || apiSettings().console().url() == null) {
          p.add("notify.channels." + name + ".person: one-time links need api.console.secret and api.console.url"
              + " (the same secret for every worker and API server): set both, or remove person");
        }
      });
    }
    environments.forEach((env, e) -> {
      String path = "environments." + env;
      if (e == null || e.services() == null || e.services().isEmpty()) {
        p.add(path + ".services is empty: list the environment's services in start order");
        return;
      }
      TargetKind.problem(path + ".kind", e.kind()).ifPresent(p::add);
      e.services().forEach(s -> {
        if (!services.containsKey(s)) {
          p.add(path + ".services: '" + s + "' is not under services: add it there or remove it here");
        }
      });
      e.databaseList().forEach(d -> {
        if (!databases.containsKey(d)) {
          p.add(path + ".databases: '" + d + "' is not under databases: add it there or remove it here");
        }
      });
    });
    p.addAll(worker.problems("worker"));
    p.addAll(slas.problems("slas", services.keySet()));
    p.addAll(DrillSettings.problemsOf(drills, services, environments,
        people.stream().map(PersonSettings::name).collect(java.util.stream.Collectors.toSet()), slas,
        notifications.channels() == null ? Set.of() : notifications.channels().keySet()));
    drills.forEach((name, d) -> {
      if (d != null && d.tell() != null) {
        notifications.limitedAgainst(NotificationKind.DRILL_REPORT, d.tell()).forEach(c -> p.add(
            "drills." + name + ".notify: '" + c + "' is limited by notify.channels." + c
                + ".kinds, which leaves out DRILL_REPORT: add it there or name another channel"));
      }
    });
    p.addAll(ChecklistSettings.problemsOf(checklists,
        people.stream().flatMap(x -> x.roles() == null ? java.util.stream.Stream.empty() : x.roles().stream())
            .collect(java.util.stream.Collectors.toSet()),
        databases.keySet(), statuspageChannels()));
    // people and environments are checked above, where they are written; the rest of the API here
    apiSettings().problems("api").stream()
        .filter(m -> !m.startsWith("api.people") && !m.startsWith("api.environments"))
        .forEach(p::add);
    List<String> hashes = people.stream().map(PersonSettings::tokenSha256).toList();
    for (int i = 0; i < hashes.size(); i++) {
      if (hashes.get(i) != null && hashes.indexOf(hashes.get(i)) != i) {
        p.add("people[" + i + "].tokenSha256: the same token hash as people[" + hashes.indexOf(hashes.get(i))
            + "]: give each person their own token (`runbook token new`)");
      }
    }
    if (!people.isEmpty()) {
      var policyNow = policy.toPolicy();
      for (var entry : policyNow.rules().entrySet()) {
        var rule = entry.getValue();
        if (rule.required() && rule.roles().stream().noneMatch(r -> people.stream()
            .anyMatch(x -> x.roles() != null && x.roles().contains(r)))) {
          p.add("policy." + entry.getKey() + ".roles: nobody under people has " + String.join(" or ", rule.roles())
              + ", so no " + entry.getKey() + " run could ever be approved: give someone that role");
        }
      }
    }
    return p;
  }
}
