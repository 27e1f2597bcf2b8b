package dev.runbook.worker.config;

import dev.runbook.starter.api.AlertRoute;
import java.util.List;

/**
 * The HTTP API's own settings; who may call it comes from {@code people} (those with a
 * tokenSha256) and what a full rollback covers from {@code environments}.
 *
 * @param starters roles allowed to start runs; empty means anyone with a token
 * @param alertRoutes which Alertmanager alerts start which runbook, first match wins
 */
public record ApiSection(String listen, Integer threads, List<String> starters, List<AlertRoute> alertRoutes) {}
