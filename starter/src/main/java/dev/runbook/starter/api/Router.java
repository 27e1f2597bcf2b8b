package dev.runbook.starter.api;

import dev.runbook.workflows.model.Validation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The route table: method plus path template, where {@code {name}} matches one path segment.
 * Literal segments win over templates, so {@code POST /api/v1/runs/full} is the start route, not
 * the run called "full". A path that matches with another method is a 405 naming the allowed ones.
 */
final class Router {
  /** Who may call a route. */
  enum Access {
    /** No token: metrics, health and the API document. */
    PUBLIC,
    /** Anyone with a known token. */
    PERSON,
    /** Someone with a known token and one of the configured starter roles. */
    STARTER
  }

  interface Handler {
    Response handle(Call call) throws IOException;
  }

  record Route(String method, String template, Access access, Handler handler) {
    List<String> segments() {
      return List.of(template.substring(1).split("/", -1));
    }

    /** How many literal segments match, or -1 when the path does not fit the template. */
    int score(List<String> path, Map<String, String> params) {
      List<String> parts = segments();
      if (parts.size() != path.size()) {
        return -1;
      }
      int literal = 0;
      for (int i = 0; i < parts.size(); i++) {
        String part = parts.get(i);
        if (part.startsWith("{") && part.endsWith("}")) {
          if (path.get(i).isEmpty()) {
            return -1;
          }
          params.put(part.substring(1, part.length() - 1), path.get(i));
        } else if (part.equals(path.get(i))) {
          literal++;
        } else {
          return -1;
        }
      }
      return literal;
    }
  }

  record Match(Route route, Map<String, String> params) {}

  private final List<Route> routes = new ArrayList<>();

  Router add(String method, String template, Access access, Handler handler) {
    routes.add(new Route(method, template, access, handler));
    return this;
  }

  List<Route> routes() {
    return List.copyOf(routes);
  }

  /** The route for this request, or an {@link ApiError}: 404 for an unknown path, 405 for a wrong method. */
  Match match(String method, String rawPath) {
    if (!rawPath.startsWith("/")) {
      throw notFound(rawPath);
    }
    List<String> path = List.of(rawPath.substring(1).split("/", -1));
    int best = -1;
    List<Match> candidates = new ArrayList<>();
    for (Route route : routes) {
      Map<String, String> params = new LinkedHashMap<>();
      int score = route.score(path, params);
      if (score > best) {
        best = score;
        candidates.clear();
      }
      if (score >= 0 && score == best) {
        candidates.add(new Match(route, Map.copyOf(params)));
      }
    }
    if (candidates.isEmpty()) {
      throw notFound(rawPath);
    }
    for (Match m : candidates) {
      if (m.route().method().equals(method)) {
        return m;
      }
    }
    TreeSet<String> allowed = new TreeSet<>();
    candidates.forEach(m -> allowed.add(m.route().method()));
    String allow = String.join(", ", allowed);
    throw new ApiError(405, "method_not_allowed",
            "method " + Validation.printable(method) + " is not allowed here: use " + allow)
        .header("Allow", allow);
  }

  private static ApiError notFound(String rawPath) {
    return new ApiError(404, "not_found",
        "no such endpoint: " + Validation.printable(rawPath)
            + " (the endpoints are listed in /openapi.json)");
  }
}
