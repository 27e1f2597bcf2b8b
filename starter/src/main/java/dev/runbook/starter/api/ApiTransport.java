package dev.runbook.starter.api;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's connections: the JDK server (HTTP or HTTPS) made safe against slow and many clients.
 *
 * <p>The JDK server accepts on one dispatcher thread and hands each connection with data to the
 * executor, whose thread then reads the request line, headers and (here) body, blocking. So:
 * <ul>
 *   <li>every connection being read gets a thread of its own, up to {@code maxConnections}; one
 *       more is refused (the dispatcher closes it at once) and never runs on the dispatcher or
 *       waits behind slow ones;
 *   <li>a request must arrive whole within {@code readTimeout} of its first byte, else its
 *       connection is closed ({@link Deadlines}); a connection that sends nothing holds no thread;
 *   <li>answers are computed by at most {@code threads} requests at once; a request waits up to
 *       {@code readTimeout} for its turn, then gets 503;
 *   <li>an answer must be taken in within {@code writeTimeout}, else the connection is closed.
 * </ul>
 * Every answer carries the security headers (HSTS with TLS).
 */
final class ApiTransport {
  /** What the API does with a request whose body has been read. */
  interface Answerer {
    /** The answer; never throws. */
    Reply answer(HttpExchange exchange);
  }

  /**
   * An answer and what to log once it was sent.
   *
   * @param logLine called with the milliseconds the request took, after the answer was sent
   */
  record Reply(Response response, String requestId, LongConsumer logLine) {}

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  private static final ThreadLocal<Deadlines.Deadline> READING = new ThreadLocal<>();
  private static final Duration REFUSAL_LOG_EVERY = Duration.ofSeconds(10);

  private final HttpServer server;
  private final ThreadPoolExecutor pool;
  private final Deadlines deadlines = new Deadlines("runbook-api-deadlines");
  private final Semaphore work;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final int threads;
  private final int maxConnections;
  private final boolean tls;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong refusalLogged = new AtomicLong(System.nanoTime() - REFUSAL_LOG_EVERY.toNanos());

  ApiTransport(ApiSettings settings, Answerer answerer) throws IOException {
    this.readTimeout = settings.readTimeout();
    this.writeTimeout = settings.writeTimeout();
    this.threads = settings.threads();
    this.maxConnections = settings.maxConnections();
    this.tls = settings.tls() != null;
    this.work = new Semaphore(threads, true);
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, maxConnections, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        task -> new Thread(task, "runbook-api-" + n.incrementAndGet()), new ThreadPoolExecutor.AbortPolicy());
    try {
      this.server = bind(settings);
    } catch (IOException | RuntimeException e) {
      pool.shutdownNow();
      deadlines.close();
      throw e;
    }
    server.setExecutor(this::execute);
    server.createContext("/", exchange -> serve(exchange, answerer));
  }

  private static HttpServer bind(ApiSettings settings) throws IOException {
    InetSocketAddress address = settings.listenAddress();
    if (settings.tls() == null) {
      return HttpServer.create(address, 0);
    }
    // The key first: nothing is bound when it cannot be used.
    HttpsConfigurator configurator = new HttpsConfigurator(TlsFiles.serverContext(settings.tls(), "api.tls."));
    HttpsServer https = HttpsServer.create(address, 0);
    https.setHttpsConfigurator(configurator);
    return https;
  }

  void start() {
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  /** Requests being read, answered or written. */
  int inFlight() {
    return inFlight.get();
  }

  /** Stops accepting, waits up to {@code graceSeconds} for requests in flight, then closes everything. */
  void stop(int graceSeconds) {
    server.stop(graceSeconds);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      deadlines.close();
    }
  }

  /**
   * The JDK server's executor: a thread of its own for each connection to read, under the read
   * deadline; none free and none allowed (maxConnections reached) refuses, and the JDK server
   * closes that connection at once.
   */
  private void execute(Runnable exchange) {
    inFlight.incrementAndGet();
    try {
      pool.execute(() -> {
        Deadlines.Deadline reading = deadlines.arm(readTimeout);
        READING.set(reading);
        try {
          exchange.run();
        } finally {
          READING.remove();
          reading.disarm();
          inFlight.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      inFlight.decrementAndGet();
      long total = refused.incrementAndGet();
      long last = refusalLogged.get();
      long now = System.nanoTime();
      if (now - last >= REFUSAL_LOG_EVERY.toNanos() && refusalLogged.compareAndSet(last, now)) {
        log.warn("refused connections: api.maxConnections ({}) are open ({} refused so far)", maxConnections, total);
      }
      throw e;
    }
  }

  /** One request whose line and headers arrived: its body, its turn, its answer. */
  private void serve(HttpExchange exchange, Answerer answerer) throws IOException {
    Deadlines.Deadline reading = READING.get();
    byte[] body = readBody(exchange);
    if (reading != null && !reading.disarm()) {
      throw new IOException("the request did not arrive within api.readTimeout (" + readTimeout.toSeconds() + "s)");
    }
    exchange.setStreams(new ByteArrayInputStream(body), null);
    Reply reply;
    long started = System.nanoTime();
    boolean turn;
    try {
      turn = work.tryAcquire(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a request thread", e);
    }
    if (!turn) {
      Response busy = Response.error(503, "busy", "the API is answering " + threads + " requests already"
          + " (api.threads): retry shortly").withHeader("Retry-After", "1");
      String requestId = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 16);
      reply = new Reply(busy, requestId, ms -> log.warn("{} {} 503: every request thread stayed busy for {} s",
          exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), readTimeout.toSeconds()));
    } else {
      try {
        reply = answerer.answer(exchange);
      } finally {
        work.release();
      }
    }
    send(exchange, reply);
    reply.logLine().accept((System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Reads the body whole while the read deadline runs: up to one byte more than a handler accepts
   * (it refuses more), or, when Content-Length already says too much, drains a bounded amount so
   * the refusal reaches the client.
   */
  private static byte[] readBody(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    try {
      if (declared != null && Long.parseLong(declared.trim()) > Call.MAX_BODY_BYTES) {
        Call.drain(in);
        return new byte[0];
      }
    } catch (NumberFormatException e) {
      // The JDK server refuses a malformed Content-Length before a handler runs.
    }
    return in.readNBytes(Call.MAX_BODY_BYTES + 1);
  }

  /**
   * Sends the answer within the write deadline. A failure is thrown on, so the JDK server closes
   * the connection and forgets it (it would otherwise keep counting it as open).
   */
  private void send(HttpExchange exchange, Reply reply) throws IOException {
    Response response = reply.response();
    Deadlines.Deadline writing = deadlines.arm(writeTimeout);
    try (exchange) {
      Headers h = exchange.getResponseHeaders();
      h.set("Content-Type", response.contentType());
      securityHeaders(h, tls);
      h.set("X-Request-Id", reply.requestId());
      response.headers().forEach(h::set);
      exchange.sendResponseHeaders(response.status(), response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    } catch (IOException e) {
      log.debug("could not answer request {}: {}", reply.requestId(), e.toString());
      throw e;
    } finally {
      if (!writing.disarm()) {
        log.debug("request {}: the client did not take the answer within api.writeTimeout", reply.requestId());
      }
    }
  }

  /**
   * The headers every answer carries; a response may override them (a page that must run its own
   * script sets its own Content-Security-Policy).
   */
  static void securityHeaders(Headers h, boolean tls) {
    h.set("Cache-Control", "no-store");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("X-Frame-Options", "DENY");
    h.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    if (tls) {
      h.set("Strict-Transport-Security", "max-age=31536000");
    }
  }
}
