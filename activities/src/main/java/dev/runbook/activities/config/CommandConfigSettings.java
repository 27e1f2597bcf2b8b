package dev.runbook.activities.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A service's configuration on a platform with a CLI, through argv templates: {@code get} prints
 * the variables (a JSON object, or {@code NAME=value} lines) or writes them to {@code {file}};
 * {@code set} sets one variable ({@code {name}}, and {@code {value}}, or the value on its standard
 * input when the template has no {@code {value}}); {@code unset} removes one.
 *
 * <pre>
 * config:
 *   command:                                  # Heroku
 *     get: [heroku, config, --json, --app, shop-api]
 *     set: [heroku, "config:set", "{name}={value}", --app, shop-api]
 *     unset: [heroku, "config:unset", "{name}", --app, shop-api]
 *   command:                                  # Vercel: pulled into a file, set from stdin
 *     get: [vercel, env, pull, "{file}", --environment, production, --yes]
 *     format: env
 *     set: [vercel, env, add, "{name}", production]
 *     unset: [vercel, env, rm, "{name}", production, --yes]
 *     unsetBeforeSet: true                    # `vercel env add` refuses a name that exists
 * </pre>
 */
public record CommandConfigSettings(
    List<String> get,
    String format,
    List<String> set,
    List<String> unset,
    Boolean unsetBeforeSet,
    String workDir,
    Duration timeout) {
  public static final String JSON = "json";
  public static final String ENV = "env";

  public CommandConfigSettings {
    get = get == null ? List.of() : List.copyOf(get);
    set = set == null ? List.of() : List.copyOf(set);
    unset = unset == null ? List.of() : List.copyOf(unset);
    format = format == null ? JSON : format;
    unsetBeforeSet = unsetBeforeSet != null && unsetBeforeSet;
    timeout = timeout == null ? Duration.ofMinutes(2) : timeout;
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    problems.addAll(Templates.problems(path + ".get", get, true, Set.of(Templates.SERVICE, Templates.FILE)));
    problems.addAll(Templates.problems(path + ".set", set, true,
        Set.of(Templates.SERVICE, Templates.NAME, Templates.VALUE)));
    if (!set.isEmpty() && !Templates.mentions(set, Templates.NAME)) {
      problems.add(path + ".set: no {name} placeholder: set must be told which variable to set");
    }
    problems.addAll(Templates.problems(path + ".unset", unset, false, Set.of(Templates.SERVICE, Templates.NAME)));
    if (!unset.isEmpty() && !Templates.mentions(unset, Templates.NAME)) {
      problems.add(path + ".unset: no {name} placeholder: unset must be told which variable to remove");
    }
    if (unsetBeforeSet && unset.isEmpty()) {
      problems.add(path + ".unsetBeforeSet needs unset: give the command that removes a variable");
    }
    if (!format.equals(JSON) && !format.equals(ENV)) {
      problems.add(path + ".format: '" + format + "' is not known: use json (an object of names and values)"
          + " or env (NAME=value lines)");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      problems.add(path + ".timeout: " + timeout + " is not a positive duration: use e.g. 2m");
    }
    return problems;
  }
}
