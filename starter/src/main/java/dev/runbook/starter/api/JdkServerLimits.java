package dev.runbook.starter.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JDK HTTP server's own limits, which it reads from system properties once per process, when
 * the first server is created. {@link ApiTransport} enforces the API's limits per server by
 * itself; these add what only the JDK server can do: close a connection that sends nothing within
 * the read timeout (it holds no thread, but a socket) and count every open connection, idle ones
 * included, against the limit at accept time. A process that serves the API sets them before it
 * creates any HTTP server; a property already set (e.g. with {@code -D}) is left alone.
 */
public final class JdkServerLimits {
  private JdkServerLimits() {}

  /** The properties {@link #applyDefaults} would set, by name. */
  static Map<String, String> properties(ApiSettings settings) {
    Map<String, String> p = new LinkedHashMap<>();
    // A request (its first byte to its last) and a connection that sends nothing, in seconds.
    p.put("sun.net.httpserver.maxReqTime", Long.toString(Math.max(1, settings.readTimeout().toSeconds())));
    // Open connections of every kind: idle keep-alive, newly accepted, busy.
    p.put("jdk.httpserver.maxConnections", Integer.toString(settings.maxConnections()));
    p.put("sun.net.httpserver.maxIdleConnections", Integer.toString(Math.min(200, settings.maxConnections())));
    // No sun.net.httpserver.maxRspTime: the JDK counts the time a handler takes against it, and
    // some answers (a prune) take longer than a write may; ApiTransport times the write alone.
    return p;
  }

  /** Sets the JDK server's properties from {@code settings} where they are not set already. */
  public static void applyDefaults(ApiSettings settings) {
    properties(settings).forEach((name, value) -> {
      if (System.getProperty(name) == null) {
        System.setProperty(name, value);
      }
    });
  }
}
