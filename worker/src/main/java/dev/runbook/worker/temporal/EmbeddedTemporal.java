package dev.runbook.worker.temporal;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal Java test server, started in this process for {@code dev} and {@code demo}. It
 * keeps all state in memory and runs in real time; it makes no durability promise (a run does
 * not survive this process), which is why the crash tests use the real server.
 *
 * <p>It listens on 127.0.0.1 only: it has no authentication, so anyone who could reach it could
 * start, signal or terminate any run. {@code TestServer.createPortBoundServer} binds every
 * interface and takes no address, so the services it would serve are served here by a gRPC
 * server bound to the loopback address, the same way that method registers them.
 */
public final class EmbeddedTemporal implements AutoCloseable {
  /** The only address the embedded server listens on. */
  public static final String HOST = LocalPorts.HOST;

  private final TestServicesStarter services;
  private final Server server;
  private final int port;

  private EmbeddedTemporal(TestServicesStarter services, Server server, int port) {
    this.services = services;
    this.server = server;
    this.port = port;
  }

  /** Starts the server on {@code port} of 127.0.0.1, or on a free one when {@code port} is 0. */
  public static EmbeddedTemporal start(int port) {
    int chosen = port == 0
        ? LocalPorts.free()
        : LocalPorts.ensureFree(port, "embedded Temporal server", "another `runbook dev`?", "temporal.embeddedPort");
    // Time skipping locked: the server runs in real time, as a real one does.
    TestServicesStarter services = new TestServicesStarter(true, 0);
    try {
      ServerBuilder<?> builder = NettyServerBuilder.forAddress(
          new InetSocketAddress(LocalPorts.loopback(), chosen), InsecureServerCredentials.create());
      GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
      return new EmbeddedTemporal(services, builder.build().start(), chosen);
    } catch (IOException | RuntimeException e) {
      services.close();
      throw new IllegalStateException("the embedded Temporal server cannot listen on " + HOST + ":" + chosen
          + ": " + e.getMessage() + " (set temporal.embeddedPort in the config to a free port)", e);
    }
  }

  public int port() {
    return port;
  }

  /** The address clients use: the loopback address, the only one the server listens on. */
  public String address() {
    return HOST + ":" + port;
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      services.close();
    }
  }
}
