package dev.runbook.activities.service;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Installs the test programs from {@code src/test/resources/service} and reads what they saw. */
final class Fakes {
  private Fakes() {}

  /** Copies a resource to {@code dir/name} as an executable file. */
  static Path install(String resource, Path dir, String name) {
    try (InputStream in = Fakes.class.getResourceAsStream("/service/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("no test resource service/" + resource);
      }
      Files.createDirectories(dir);
      Path target = dir.resolve(name);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The calls a fake recorded: each call's arguments, one per line, ended by "--". */
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

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The failure a call threw, which must be a typed one. */
  static ApplicationFailure failure(Runnable call) {
    try {
      call.run();
    } catch (ApplicationFailure f) {
      return f;
    }
    throw new AssertionError("expected a typed failure");
  }
}
