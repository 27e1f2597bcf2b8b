package dev.runbook.worker.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.runbook.workflows.policy.Durations;
import java.io.IOException;
import java.time.Duration;

/** Durations in the config as people write them (15m, 4h, 1h30m) as well as ISO-8601 (PT15M). */
final class FriendlyDurations extends StdDeserializer<Duration> {
  private static final long serialVersionUID = 1L;

  FriendlyDurations() {
    super(Duration.class);
  }

  static SimpleModule module() {
    return new SimpleModule("friendly-durations").addDeserializer(Duration.class, new FriendlyDurations());
  }

  @Override
  public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      return Duration.ofSeconds(p.getLongValue());
    }
    String text = p.getValueAsString();
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw ctx.weirdStringException(text, Duration.class, e.getMessage());
    }
  }
}
