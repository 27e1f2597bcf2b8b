package dev.runbook.activities.database;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The formats pg_dump writes, as a backup holds them: {@code dump/} is pg_dump's directory
 * format itself, or a directory holding the one file of the other formats. Backups a run takes
 * are directory format; imported files keep the format they came in, told apart by content
 * ({@link #detect}), never by name.
 */
enum DumpFormat {
  DIRECTORY("directory", null),
  CUSTOM("custom", "backup.dump"),
  TAR("tar", "backup.tar"),
  PLAIN("plain", "backup.sql"),
  PLAIN_GZIP("plain-gzip", "backup.sql.gz");

  private static final byte[] ARCHIVE_MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
  private static final int TAR_MAGIC_AT = 257;
  private static final byte[] TAR_MAGIC = "ustar".getBytes(StandardCharsets.US_ASCII);

  private final String label;
  private final String fileName;

  DumpFormat(String label, String fileName) {
    this.label = label;
    this.fileName = fileName;
  }

  String label() {
    return label;
  }

  /** Read by pg_restore (custom, tar, directory), as opposed to a script psql runs. */
  boolean archive() {
    return this == DIRECTORY || this == CUSTOM || this == TAR;
  }

  boolean plain() {
    return !archive();
  }

  /** The format a manifest names; manifests written before imports name none: directory. */
  static DumpFormat of(String label) {
    if (label == null) {
      return DIRECTORY;
    }
    return Arrays.stream(values()).filter(f -> f.label.equals(label)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown dump format '" + label + "'"));
  }

  /** The dump inside a backup's {@code dump/} directory: the directory itself, or its one file. */
  Path in(Path dumpDir) {
    return this == DIRECTORY ? dumpDir : dumpDir.resolve(fileName);
  }

  /**
   * The checksum a manifest records: for one file, the SHA-256 of its bytes ({@code sha256sum}
   * prints the same); for a directory, {@link BackupStore#checksum} over its files.
   */
  String checksum(Path dumpDir, Runnable perChunk) {
    return this == DIRECTORY ? BackupFiles.checksum(dumpDir, perChunk) : BackupFiles.fileChecksum(in(dumpDir), perChunk);
  }

  /** Why a path is not a dump this product can import, as a person reads it (no file content). */
  static final class NotADump extends Exception {
    private static final long serialVersionUID = 1L;

    NotADump(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * Tells a dump's format from its first bytes (and, for a directory, its {@code toc.dat}).
   * Plain SQL is anything that is not one of the others; the import then checks that it is a
   * pg_dump script.
   *
   * @throws NotADump saying what the file is instead, and what to do
   */
  static DumpFormat detect(Path path) throws NotADump, IOException {
    if (Files.isDirectory(path)) {
      Path toc = path.resolve("toc.dat");
      if (!Files.isRegularFile(toc)) {
        throw new NotADump("it is a directory without toc.dat, so not a dump pg_dump wrote in its directory"
            + " format (pg_dump --format=directory)");
      }
      if (!startsWith(head(toc, 16), ARCHIVE_MAGIC)) {
        throw new NotADump("it is a directory whose toc.dat is not a pg_dump table of contents");
      }
      return DIRECTORY;
    }
    if (!Files.isRegularFile(path)) {
      throw new NotADump("it is not a regular file (a device, a socket or a pipe): give the dump file itself");
    }
    byte[] head = head(path, 1024);
    if (head.length == 0) {
      throw new NotADump("it is empty");
    }
    if (startsWith(head, ARCHIVE_MAGIC)) {
      return CUSTOM;
    }
    if (isTar(head)) {
      return TAR;
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      byte[] inner = gunzippedHead(path);
      if (startsWith(inner, ARCHIVE_MAGIC)) {
        throw new NotADump("it is a gzip'd custom-format archive, which pg_restore cannot read: gunzip it"
            + " (gunzip -k FILE) and import the .dump it gives (custom archives are compressed inside already)");
      }
      if (isTar(inner)) {
        throw new NotADump("it is a gzip'd tar archive, which pg_restore cannot read: gunzip it (gunzip -k FILE)"
            + " and import the .tar it gives");
      }
      return PLAIN_GZIP;
    }
    String compressed = otherCompression(head);
    if (compressed != null) {
      throw new NotADump("it is compressed with " + compressed + ", which this product does not read:"
          + " decompress it (" + compressed.toLowerCase(Locale.ROOT) + " -d FILE) and import the result, or"
          + " compress plain dumps with gzip");
    }
    return PLAIN;
  }

  private static boolean isTar(byte[] head) {
    return head.length >= TAR_MAGIC_AT + TAR_MAGIC.length
        && Arrays.equals(head, TAR_MAGIC_AT, TAR_MAGIC_AT + TAR_MAGIC.length, TAR_MAGIC, 0, TAR_MAGIC.length);
  }

  private static String otherCompression(byte[] h) {
    if (h.length >= 4 && (h[0] & 0xff) == 0x28 && (h[1] & 0xff) == 0xb5 && (h[2] & 0xff) == 0x2f
        && (h[3] & 0xff) == 0xfd) {
      return "zstd";
    }
    if (h.length >= 4 && (h[0] & 0xff) == 0x04 && (h[1] & 0xff) == 0x22 && (h[2] & 0xff) == 0x4d
        && (h[3] & 0xff) == 0x18) {
      return "lz4";
    }
    if (h.length >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h') {
      return "bzip2";
    }
    if (h.length >= 6 && (h[0] & 0xff) == 0xfd && h[1] == '7' && h[2] == 'z' && h[3] == 'X' && h[4] == 'Z'
        && h[5] == 0) {
      return "xz";
    }
    return null;
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] head(Path file, int n) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(n);
    }
  }

  /** The first bytes inside a gzip stream; what cannot be read yet is left to the full check. */
  private static byte[] gunzippedHead(Path file) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return in.readNBytes(1024);
    } catch (IOException damaged) {
      return new byte[0];
    }
  }
}
