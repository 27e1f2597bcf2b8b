# The runbook image: one image, two roles (`worker` and `serve`), chosen by the command.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl worker -am package

FROM eclipse-temurin:17-jre
# pg_dump and pg_restore must be at least the server's major version (15 in the stack).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/worker/target/lib/ lib/
COPY --from=build /src/worker/target/runbook-worker-*[0-9T].jar runbook.jar
RUN useradd --system --home /var/lib/runbook runbook && mkdir -p /var/lib/runbook && chown runbook /var/lib/runbook
USER runbook
ENV RUNBOOK_CONFIG=/etc/runbook/runbook.yaml
ENTRYPOINT ["java", "-cp", "/app/runbook.jar:/app/lib/*", "dev.runbook.worker.Main"]
CMD ["--help"]
