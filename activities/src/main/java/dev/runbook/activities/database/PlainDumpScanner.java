package dev.runbook.activities.database;

import java.util.regex.Pattern;

/**
 * Reads a plain pg_dump script the way psql will run it, as its bytes stream by: when the file
 * is imported, and again on its way into psql at a restore, so what psql runs is what was
 * checked. It refuses what is not a whole pg_dump script: no pg_dump header, a pg_dumpall
 * script, a file cut short (no closing line, or it ends inside a COPY's data or a quoted
 * string), and every psql command pg_dump does not write ({@code \connect} would leave the
 * staging database, {@code \!} would run a shell on the worker). Only psql's restrict and
 * unrestrict commands, which pg_dump writes around its script, pass, alone on their line.
 *
 * <p>It lexes as psql does: quoted strings ('', E'', ""), dollar quotes, comments (nested block
 * comments) and COPY data are skipped; a backslash anywhere else starts a psql command. A COPY
 * statement must be pg_dump's own, on one line ({@code COPY name (columns) FROM stdin;}), so
 * the lines that follow are data for both readers alike. Bytes are read as ISO-8859-1: every
 * character that matters to the lexer is ASCII, and no byte is lost or changed.
 */
final class PlainDumpScanner {
  /** What is wrong with the script, naming the line. */
  static final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Problem(String message) {
      super(message, null, false, false);
    }
  }

  static final String HEADER = "-- PostgreSQL database dump";
  static final String FOOTER = "-- PostgreSQL database dump complete";
  private static final String CLUSTER_HEADER = "-- PostgreSQL database cluster dump";
  private static final String DUMPED_BY = "-- Dumped by pg_dump version ";
  private static final int HEADER_LINES = 20;
  /** Characters of a line kept for the line-level checks; data rows may be longer. */
  private static final int KEEP = 64 * 1024;

  private static final String IDENT = "(?:\"(?:[^\"]|\"\")*\"|[^\\s\"(.]+)";
  static final Pattern COPY_LINE = Pattern.compile(
      "COPY " + IDENT + "(?:\\." + IDENT + ")?\\s*(?:\\((?:\"(?:[^\"]|\"\")*\"|[^\")])*\\))?\\s*FROM stdin;");
  private static final Pattern RESTRICT = Pattern.compile("\\\\(?:un)?restrict [A-Za-z0-9]+\\s*");

  private enum State {
    NORMAL, SINGLE, ESCAPED_SINGLE, QUOTE_END, DOUBLE, DOUBLE_END, DOLLAR_OPEN, DOLLAR, BLOCK_COMMENT,
    LINE_COMMENT, META, COPY_DATA
  }

  private final DumpHistory history;

  private State state = State.NORMAL;
  /** For QUOTE_END: the string kind to go back to on a doubled quote. */
  private State quoted = State.SINGLE;
  private boolean midStatement;
  private boolean lineStartsClean = true;
  private char pending;
  private char prev = ' ';
  private char prev2 = ' ';
  private boolean escapeNext;
  private final StringBuilder tag = new StringBuilder();
  private String closing;
  private int closingMatched;
  private int commentDepth;
  private char commentPrev;
  private int metaColumn;
  private final StringBuilder word = new StringBuilder();
  private boolean copyStatement;
  private boolean historyCopy;
  private long openedAt;

  private final StringBuilder line = new StringBuilder();
  private long lineNo = 1;
  private boolean headerSeen;
  private boolean complete;
  private String pgDumpVersion;

  /** @param history collects the migration history's rows from its COPY data, or null */
  PlainDumpScanner(DumpHistory history) {
    this.history = history;
  }

  /** The pg_dump version the header names, or null. */
  String pgDumpVersion() {
    return pgDumpVersion;
  }

  void feed(byte[] buf, int off, int len) {
    for (int i = off; i < off + len; i++) {
      char c = (char) (buf[i] & 0xff);
      if (c == '\n') {
        endLine();
        continue;
      }
      if (line.length() < KEEP) {
        line.append(c);
      }
      if (!headerSeen && line.length() > 200) {
        throw notAScript();
      }
      lex(c);
    }
  }

  /** The end of the input: the last line, and whether the script was whole. */
  void finish() {
    if (line.length() > 0) {
      endLine();
    }
    if (!headerSeen) {
      throw notAScript();
    }
    switch (state) {
      case COPY_DATA -> throw new Problem("it ends inside the data of the COPY on line " + openedAt
          + ": the file is cut short");
      case SINGLE, ESCAPED_SINGLE, DOUBLE, DOLLAR, BLOCK_COMMENT -> throw new Problem("it ends inside the"
          + " quoted text or comment opened on line " + openedAt + ": the file is cut short");
      default -> { }
    }
    if (!complete) {
      throw new Problem("it ends before pg_dump's closing line (" + FOOTER + "): the file is cut short,"
          + " or is not all of a dump");
    }
  }

  private void lex(char c) {
    switch (state) {
      case NORMAL -> normal(c);
      case SINGLE -> {
        if (c == '\'') {
          quoted = State.SINGLE;
          state = State.QUOTE_END;
        }
      }
      case ESCAPED_SINGLE -> {
        if (escapeNext) {
          escapeNext = false;
        } else if (c == '\\') {
          escapeNext = true;
        } else if (c == '\'') {
          quoted = State.ESCAPED_SINGLE;
          state = State.QUOTE_END;
        }
      }
      case QUOTE_END -> {
        if (c == '\'') {
          state = quoted; // a doubled quote: still inside
        } else {
          state = State.NORMAL;
          normal(c);
        }
      }
      case DOUBLE -> {
        if (c == '"') {
          state = State.DOUBLE_END;
        }
      }
      case DOUBLE_END -> {
        if (c == '"') {
          state = State.DOUBLE;
        } else {
          state = State.NORMAL;
          normal(c);
        }
      }
      case DOLLAR_OPEN -> dollarOpen(c);
      case DOLLAR -> {
        if (c == closing.charAt(closingMatched)) {
          if (++closingMatched == closing.length()) {
            state = State.NORMAL;
            prev = '$';
          }
        } else {
          closingMatched = c == '$' ? 1 : 0;
        }
      }
      case BLOCK_COMMENT -> {
        if (commentPrev == '/' && c == '*') {
          commentDepth++;
          commentPrev = ' ';
        } else if (commentPrev == '*' && c == '/') {
          commentPrev = ' ';
          if (--commentDepth == 0) {
            state = State.NORMAL;
          }
        } else {
          commentPrev = c;
        }
      }
      default -> { } // LINE_COMMENT, META and COPY_DATA are judged a line at a time
    }
  }

  private void normal(char c) {
    if (pending != 0) {
      char p = pending;
      pending = 0;
      if (p == '-' && c == '-') {
        state = State.LINE_COMMENT;
        return;
      }
      if (p == '/' && c == '*') {
        state = State.BLOCK_COMMENT;
        commentDepth = 1;
        commentPrev = ' ';
        openedAt = lineNo;
        return;
      }
      token(p);
    }
    if (c == '-' || c == '/') {
      pending = c;
      return;
    }
    if (Character.isWhitespace(c)) {
      endWord();
      shift(c);
      return;
    }
    switch (c) {
      case '\\' -> {
        state = State.META;
        metaColumn = line.length() - 1;
      }
      case ';' -> {
        endWord();
        midStatement = false;
        shift(c);
      }
      case '\'' -> {
        boolean escapes = (prev == 'E' || prev == 'e') && !identifierChar(prev2);
        token(c);
        state = escapes ? State.ESCAPED_SINGLE : State.SINGLE;
        openedAt = lineNo;
      }
      case '"' -> {
        token(c);
        state = State.DOUBLE;
        openedAt = lineNo;
      }
      case '$' -> {
        if (identifierChar(prev)) {
          token(c);
        } else {
          token(c);
          state = State.DOLLAR_OPEN;
          tag.setLength(0);
          openedAt = lineNo;
        }
      }
      default -> token(c);
    }
  }

  /** After a '$' that may open a dollar quote: a tag ([A-Za-z_][A-Za-z0-9_]*) and a '$', or not. */
  private void dollarOpen(char c) {
    if (c == '$') {
      closing = "$" + tag + "$";
      closingMatched = 0;
      state = State.DOLLAR;
    } else if (Character.isLetter(c) || c == '_' || (Character.isDigit(c) && tag.length() > 0)) {
      tag.append(c);
    } else {
      state = State.NORMAL; // $1, a parameter; or a lone '$'
      normal(c);
    }
  }

  /** A character of a statement outside quotes and comments. */
  private void token(char c) {
    if (!midStatement) {
      midStatement = true;
      word.setLength(0);
      if (Character.isLetter(c)) {
        word.append(c);
      }
    } else if (word.length() > 0) {
      if (Character.isLetter(c)) {
        word.append(c);
      } else {
        endWord();
      }
    }
    shift(c);
  }

  /**
   * A statement's first word is complete. A COPY anywhere on a line makes the line answer for it
   * at its end: it must be pg_dump's own, alone on the line, whatever else follows it.
   */
  private void endWord() {
    if (word.length() > 0) {
      copyStatement |= word.toString().equalsIgnoreCase("copy");
      word.setLength(0);
    }
  }

  private void shift(char c) {
    prev2 = prev;
    prev = c;
  }

  private static boolean identifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  private void endLine() {
    String text = line.toString();
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    if (!headerSeen) {
      header(text);
    }
    if (pending != 0) {
      token(pending);
      pending = 0;
    }
    endWord();
    switch (state) {
      case COPY_DATA -> {
        if (text.equals("\\.")) {
          state = State.NORMAL;
          historyCopy = false;
        } else if (historyCopy) {
          history.row(text);
        }
      }
      case META -> {
        if (metaColumn != 0 || !RESTRICT.matcher(text).matches()) {
          throw metaCommand(text);
        }
        state = State.NORMAL;
      }
      case LINE_COMMENT -> {
        state = State.NORMAL;
        if (text.equals(FOOTER)) {
          complete = true;
        } else if (text.startsWith(DUMPED_BY) && pgDumpVersion == null) {
          pgDumpVersion = text.substring(DUMPED_BY.length()).strip();
        }
      }
      case QUOTE_END, DOUBLE_END, DOLLAR_OPEN -> state = State.NORMAL;
      default -> { }
    }
    if (copyStatement && state == State.NORMAL) {
      if (!lineStartsClean || midStatement || !COPY_LINE.matcher(text).matches()) {
        throw new Problem("line " + lineNo + " has a COPY that pg_dump does not write (pg_dump writes"
            + " `COPY name (columns) FROM stdin;` alone on a line): the file is not a pg_dump script");
      }
      copyStatement = false;
      state = State.COPY_DATA;
      openedAt = lineNo;
      historyCopy = history != null && history.startsCopy(text);
    }
    line.setLength(0);
    lineNo++;
    lineStartsClean = state == State.NORMAL && !midStatement;
    prev = ' ';
    prev2 = ' ';
  }

  private void header(String text) {
    if (text.equals(HEADER)) {
      headerSeen = true;
    } else if (text.startsWith(CLUSTER_HEADER)) {
      throw new Problem("it is a pg_dumpall script (" + CLUSTER_HEADER + "): it creates roles and"
          + " databases and connects to each. Import a dump of this one database (pg_dump DBNAME)");
    } else if (!(text.isBlank() || text.equals("--")) || lineNo >= HEADER_LINES) {
      throw notAScript();
    }
  }

  private static Problem notAScript() {
    return new Problem("it is not a pg_dump script: it does not begin with pg_dump's header (" + HEADER
        + "). Give a file pg_dump wrote: plain SQL, gzip'd plain SQL, or a custom, tar or directory archive");
  }

  private Problem metaCommand(String text) {
    int at = Math.min(metaColumn + 1, text.length());
    int end = at;
    while (end < text.length() && Character.isLetter(text.charAt(end))) {
      end++;
    }
    if (end == at && at < text.length()) {
      end++; // a one-character command: \! \? \;
    }
    String name = "\\" + text.substring(at, end);
    if (name.equals("\\connect") || name.equals("\\c")) {
      return new Problem("line " + lineNo + " has \\connect, which would leave the database being restored:"
          + " the dump was made with --create (or by pg_dumpall). Dump without --create (pg_dump DBNAME),"
          + " or remove its CREATE DATABASE and \\connect lines");
    }
    return new Problem("line " + lineNo + " has the psql command " + name + ", which pg_dump does not write"
        + " (psql would run it: " + (name.equals("\\!") ? "a shell command on the worker" : "not SQL") + "):"
        + " the file is refused. Give the script pg_dump wrote, unchanged");
  }
}
