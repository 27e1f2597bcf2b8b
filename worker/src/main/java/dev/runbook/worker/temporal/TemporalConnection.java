package dev.runbook.worker.temporal;

import com.uber.m3.tally.Scope;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.worker.config.TemporalTls;
import dev.runbook.workflows.engine.RunbookSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A connection to a Temporal server: the client, and the search attributes runs need. */
public final class TemporalConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TemporalConnection.class);

  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final String address;

  private TemporalConnection(WorkflowServiceStubs service, WorkflowClient client, String address) {
    this.service = service;
    this.client = client;
    this.address = address;
  }

  /**
   * Connects lazily: nothing is sent until the first call.
   *
   * @param metrics where the SDK reports its metrics, or null
   */
  public static TemporalConnection connect(String address, String namespace, Scope metrics) {
    return connect(address, namespace, metrics, null);
  }

  /**
   * Connects lazily, over TLS when {@code tls} is given (its files are read now: a bad one fails
   * here, naming the setting and the fix).
   *
   * @param metrics where the SDK reports its metrics, or null
   * @param tls temporal.tls, or null for plaintext
   */
  public static TemporalConnection connect(String address, String namespace, Scope metrics, TemporalTls tls) {
    WorkflowServiceStubsOptions.Builder options =
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).setRpcTimeout(Duration.ofSeconds(10));
    if (metrics != null) {
      options.setMetricsScope(metrics);
    }
    if (tls != null) {
      options.setSslContext(TemporalTlsContext.of(tls));
      if (tls.serverName() != null) {
        options.setChannelInitializer(channel -> channel.overrideAuthority(tls.serverName()));
      }
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(options.build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    return new TemporalConnection(service, client, address);
  }

  public WorkflowClient client() {
    return client;
  }

  public WorkflowServiceStubs service() {
    return service;
  }

  public String address() {
    return address;
  }

  /** Whether the server answers now (for health checks). */
  public boolean reachable() {
    try {
      service.healthCheck();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Registers the custom search attributes runs set ({@code RunbookType}, {@code Severity},
   * {@code Service}, {@code Phase}) where they are missing. A run cannot start without them. A
   * server that does not answer is reported as {@link RunbookException.Unavailable} (exit 6).
   */
  public void ensureSearchAttributes() {
    try {
      registerSearchAttributes();
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        throw RunbookException.Unavailable.temporal(address, e);
      }
      throw e;
    }
  }

  private void registerSearchAttributes() {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    try {
      Map<String, IndexedValueType> missing = new HashMap<>(RunbookSearchAttributes.ALL);
      try {
        var existing =
            operator
                .blockingStub()
                .listSearchAttributes(
                    ListSearchAttributesRequest.newBuilder().setNamespace(client.getOptions().getNamespace()).build())
                .getCustomAttributesMap();
        missing.keySet().removeAll(existing.keySet());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      try {
        operator
            .blockingStub()
            .addSearchAttributes(
                AddSearchAttributesRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .putAllSearchAttributes(missing)
                    .build());
        log.info("registered search attributes {} on {}", missing.keySet(), address);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          throw new IllegalStateException(
              "cannot register the search attributes " + missing.keySet() + " on " + address + ": "
                  + e.getStatus().getDescription() + " (register them with the server's tools)", e);
        }
      }
    } finally {
      operator.shutdown();
    }
  }

  @Override
  public void close() {
    service.shutdown();
    service.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
  }
}
