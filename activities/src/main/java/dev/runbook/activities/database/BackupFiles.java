package dev.runbook.activities.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** The files of backups: their sizes, their SHA-256 checksums, and removing them. */
final class BackupFiles {
  /** Long reads of large files report progress this often. */
  static final long TICK_BYTES = 8L << 20;

  private BackupFiles() {}

  /** Total size of the regular files under a directory. */
  static long size(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(BackupFiles::sizeOf).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0; // files come and go while pg_dump writes; the next tick reads again
    }
  }

  /**
   * SHA-256 over the dump files in path order: each file's relative path, a NUL byte, its bytes.
   *
   * @param perFile called after each file and every 8 MiB of a large one (heartbeat; throws when
   *     the activity was cancelled)
   */
  static String checksum(Path dumpDir, Runnable perFile) {
    MessageDigest digest = newDigest();
    try (Stream<Path> walk = Files.walk(dumpDir)) {
      List<Path> files = walk.filter(Files::isRegularFile)
          .sorted(Comparator.comparing(p -> dumpDir.relativize(p).toString()))
          .toList();
      byte[] buf = new byte[1 << 16];
      for (Path f : files) {
        digest.update(dumpDir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        try (InputStream in = Files.newInputStream(f)) {
          int n;
          long sinceTick = 0;
          while ((n = in.read(buf)) > 0) {
            digest.update(buf, 0, n);
            sinceTick += n;
            if (sinceTick >= TICK_BYTES) {
              perFile.run();
              sinceTick = 0;
            }
          }
        }
        perFile.run();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dumpDir, e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * SHA-256 of one file's bytes, as {@code sha256sum} prints it.
   *
   * @param perChunk called after every 8 MiB (heartbeat; throws when the activity was cancelled)
   */
  static String fileChecksum(Path file, Runnable perChunk) {
    MessageDigest digest = newDigest();
    byte[] buf = new byte[1 << 16];
    long sinceTick = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        digest.update(buf, 0, n);
        sinceTick += n;
        if (sinceTick >= TICK_BYTES) {
          perChunk.run();
          sinceTick = 0;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    perChunk.run();
    return HexFormat.of().formatHex(digest.digest());
  }

  /** A fresh SHA-256 digest. */
  static MessageDigest sha256Digest() {
    return newDigest();
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException gone) {
      return 0;
    }
  }

  private static byte[] sha256(byte[] data) {
    return newDigest().digest(data);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
