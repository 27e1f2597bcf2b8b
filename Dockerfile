# The runbook image: one image, two roles (`worker` and `serve`), chosen by the command.
#   docker build -t runbook:local .
# Build stage: the project's own Maven wrapper, tests skipped (CI runs them), the launcher and its
# libraries copied out.
FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl worker -am package

FROM eclipse-temurin:17-jre-noble
# pg_dump and pg_restore of the stack's PostgreSQL major version (16: Ubuntu 24.04's own client);
# curl is for the healthcheck.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client-16 curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/worker/target/lib/ lib/
COPY --from=build /src/worker/target/runbook-worker-*[0-9T].jar runbook.jar
COPY worker/src/main/jvm/server.options /app/server.options
RUN useradd --system --home /var/lib/runbook runbook && mkdir -p /var/lib/runbook && chown runbook /var/lib/runbook
USER runbook
ENV RUNBOOK_CONFIG=/etc/runbook/runbook.yaml
# A worker answers /healthz on worker.metricsListen (9464), the API on api.listen (8080): set
# RUNBOOK_HEALTH_PORT=8080 for `serve`.
ENV RUNBOOK_HEALTH_PORT=9464
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
    CMD curl -fsS "http://127.0.0.1:${RUNBOOK_HEALTH_PORT}/healthz" || exit 1
# Both roles run long: the launcher's options for long-running commands.
ENTRYPOINT ["java", "@/app/server.options", "-cp", "/app/runbook.jar:/app/lib/*", "dev.runbook.worker.Main"]
CMD ["--help"]
