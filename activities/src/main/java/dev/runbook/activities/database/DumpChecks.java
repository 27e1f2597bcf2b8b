package dev.runbook.activities.database;

import dev.runbook.activities.exec.CommandRunner.Result;
import dev.runbook.activities.exec.Shell;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a dump file whole before it is imported, as the restore will: a plain dump through gzip
 * (the whole stream, every CRC) and {@link PlainDumpScanner} (pg_dump's header and closing line,
 * no psql commands); an archive with {@code pg_restore --list} (its table of contents) and a
 * {@code pg_restore} of everything into nowhere (every data block). On the way it takes the
 * checksum and what the dump says of itself: when it was made, by which pg_dump, and the schema
 * version its migration history holds.
 */
final class DumpChecks {
  private static final String CREATED = "; Archive created at ";
  private static final String DUMPED_BY = ";     Dumped by pg_dump version: ";
  private static final DateTimeFormatter ARCHIVE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);

  private DumpChecks() {}

  /** Why the file cannot be imported, in words for the person who gave it. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * What the check found.
   *
   * @param createdAt the archive's own time, else the file's modification time
   * @param schemaVersion the migration history's version, or null when the dump does not say
   */
  record Checked(String sha256, long sizeBytes, Instant createdAt, String schemaVersion, String pgDumpVersion) {}

  /** The checks, for plans. */
  static List<String> planned(ConfiguredDatabase db, DumpFormat format, Path file) {
    List<String> planned = new ArrayList<>();
    if (format.archive()) {
      planned.add(Shell.display(db.tools().list(file)));
      planned.add(Shell.display(db.tools().readAll(file)));
    } else {
      planned.add("read " + file + (format == DumpFormat.PLAIN_GZIP ? " through gunzip (the whole stream)" : "")
          + ": pg_dump's header and closing line, no psql command pg_dump does not write");
    }
    planned.add("sha256 over " + file);
    return planned;
  }

  static Checked check(ConfiguredDatabase db, DumpFormat format, Path file, Heartbeat heartbeat)
      throws Refused, IOException {
    DumpHistory history = DumpHistory.of(db.settings());
    return format.archive() ? archive(db, format, file, history, heartbeat) : plain(format, file, history, heartbeat);
  }

  private static Checked plain(DumpFormat format, Path file, DumpHistory history, Heartbeat heartbeat)
      throws Refused, IOException {
    heartbeat.phase("check");
    MessageDigest digest = BackupFiles.sha256Digest();
    PlainDumpScanner scanner = new PlainDumpScanner(history);
    try (InputStream raw = new DigestInputStream(Files.newInputStream(file), digest);
        InputStream in = format == DumpFormat.PLAIN_GZIP ? new GZIPInputStream(raw, 1 << 16) : raw) {
      byte[] buf = new byte[1 << 16];
      long read = 0;
      long sinceTick = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        scanner.feed(buf, 0, n);
        read += n;
        sinceTick += n;
        if (sinceTick >= BackupFiles.TICK_BYTES) {
          heartbeat.beat(read);
          sinceTick = 0;
        }
      }
      scanner.finish();
      raw.transferTo(OutputStream.nullOutputStream());
    } catch (PlainDumpScanner.Problem p) {
      throw new Refused(p.getMessage());
    } catch (EOFException e) {
      throw new Refused("its gzip stream ends early (" + e.getMessage() + "): the file is cut short");
    } catch (ZipException e) {
      throw new Refused("its gzip stream is damaged (" + e.getMessage() + ")");
    }
    String version = history == null ? null : history.version();
    return new Checked(HexFormat.of().formatHex(digest.digest()), Files.size(file),
        Files.getLastModifiedTime(file).toInstant(), version, scanner.pgDumpVersion());
  }

  private static Checked archive(ConfiguredDatabase db, DumpFormat format, Path file, DumpHistory history,
      Heartbeat heartbeat) throws Refused, IOException {
    heartbeat.phase("verify");
    List<String> toc = new ArrayList<>();
    Result listed = db.tools().attempt(db.tools().list(file), heartbeat::tick, toc::add, null);
    if (!listed.ok()) {
      throw new Refused("pg_restore --list cannot read it (" + db.tools().errors(listed) + ")");
    }
    Result read = db.tools().attempt(db.tools().readAll(file), heartbeat::tick, null, null);
    if (!read.ok()) {
      throw new Refused("pg_restore cannot read all of it (" + db.tools().errors(read) + "): the file is cut"
          + " short or damaged");
    }
    heartbeat.phase("checksum");
    String sha256 = format == DumpFormat.DIRECTORY
        ? BackupFiles.checksum(file, heartbeat::tick) : BackupFiles.fileChecksum(file, heartbeat::tick);
    long size = format == DumpFormat.DIRECTORY ? BackupFiles.size(file) : Files.size(file);
    Instant created = created(toc).orElse(Files.getLastModifiedTime(file).toInstant());
    String pgDump = toc.stream().filter(l -> l.startsWith(DUMPED_BY)).map(l -> l.substring(DUMPED_BY.length()).strip())
        .findFirst().orElse(null);
    return new Checked(sha256, size, created, schemaVersion(db, file, history, toc, heartbeat), pgDump);
  }

  private static Optional<Instant> created(List<String> toc) {
    return toc.stream().filter(l -> l.startsWith(CREATED)).findFirst().flatMap(l -> {
      try {
        return Optional.of(ZonedDateTime.parse(l.substring(CREATED.length()).strip(), ARCHIVE_TIME).toInstant());
      } catch (DateTimeParseException unknownZone) {
        return Optional.empty();
      }
    });
  }

  /**
   * The migration history's version, from the table's data in the archive (when its table of
   * contents has that table): best effort, null when it cannot be read.
   */
  private static String schemaVersion(ConfiguredDatabase db, Path file, DumpHistory history, List<String> toc,
      Heartbeat heartbeat) {
    if (history == null || toc.stream().noneMatch(l -> l.contains(" TABLE DATA ")
        && (" " + l + " ").contains(" " + history.table() + " ")
        && (history.schema() == null || l.contains(" " + history.schema() + " ")))) {
      return null;
    }
    PlainDumpScanner scanner = new PlainDumpScanner(history);
    boolean[] unreadable = {false};
    Result r = db.tools().attempt(db.tools().tableData(file, history.schema(), history.table()), heartbeat::tick,
        line -> {
          if (unreadable[0]) {
            return;
          }
          byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
          try {
            scanner.feed(bytes, 0, bytes.length);
          } catch (PlainDumpScanner.Problem p) {
            unreadable[0] = true;
          }
        }, null);
    return r.ok() && !unreadable[0] ? history.version() : null;
  }
}
