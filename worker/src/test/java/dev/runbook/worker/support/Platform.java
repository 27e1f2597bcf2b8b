package dev.runbook.worker.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service driven through the command adapter against a stand-in platform ({@code load/platform.sh}
 * from the test resources: deploy, current version, health, stop and start of services whose state
 * it keeps in files), as a runbook.yaml {@code services} entry.
 */
public final class Platform {
  private final String script;
  private final String state;

  /** Copies the platform script into {@code dir}; its state lives next to it. */
  public Platform(Path dir) throws IOException {
    Path platform = dir.resolve("platform.sh");
    try (InputStream in = Platform.class.getResourceAsStream("/load/platform.sh")) {
      Files.copy(in, platform, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(platform, PosixFilePermissions.fromString("rwxr-xr-x"));
    this.script = platform.toString();
    this.state = dir.resolve("platform-state").toString();
  }

  /** The settings of {@code name} on this platform, verified within 10 s. */
  public Map<String, Object> service(String name) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("adapter", "command");
    s.put("command", Map.of(
        "deploy", List.of(script, state, "deploy", name, "{version}"),
        "currentVersion", List.of(script, state, "current", name),
        "health", List.of(script, state, "health", name),
        "stop", List.of(script, state, "stop", name),
        "start", List.of(script, state, "start", name)));
    s.put("verifyTimeout", "10s");
    return s;
  }
}
