package dev.runbook.activities.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Installs the fake CLIs of {@code src/test/resources/service} and reads the calls they recorded. */
final class FakePrograms {
  private FakePrograms() {}

  static Path install(String resource, Path dir, String name) {
    try (InputStream in = FakePrograms.class.getResourceAsStream("/service/" + resource)) {
      Files.createDirectories(dir);
      Path target = dir.resolve(name);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Each recorded call's arguments. */
  static List<List<String>> calls(Path log) {
    List<List<String>> calls = new ArrayList<>();
    if (!Files.exists(log)) {
      return calls;
    }
    List<String> current = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(log)) {
        if (line.equals("--")) {
          calls.add(current);
          current = new ArrayList<>();
        } else {
          current.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return calls;
  }
}
