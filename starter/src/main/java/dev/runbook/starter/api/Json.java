package dev.runbook.starter.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.Validation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The API's JSON: ISO dates and durations, enums as their labels, and strict reading. A body is
 * refused rather than guessed at: unknown fields, duplicate keys, trailing data, numbers where
 * text belongs and text where booleans belong are all errors that name the field.
 */
final class Json {
  static final ObjectMapper MAPPER = mapper();

  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private Json() {}

  private static ObjectMapper mapper() {
    SimpleModule labels = new SimpleModule("runbook-labels");
    labels.addDeserializer(Severity.class, new SeverityDeserializer());
    labels.addSerializer(RunbookType.class, new RunbookTypeSerializer());
    JsonMapper mapper = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(labels)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .build();
    for (CoercionInputShape shape :
        new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    return mapper;
  }

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Reads a body; an empty one reads as {@code {}}. Every failure is a 400 naming the problem. */
  static <T> T read(byte[] body, Class<T> type) {
    try {
      return MAPPER.readValue(body.length == 0 ? EMPTY_OBJECT : body, type);
    } catch (IOException e) {
      throw describe(e);
    }
  }

  static ApiError describe(IOException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      String field = path(u);
      Collection<Object> known = u.getKnownPropertyIds();
      return new ApiError(400, "unknown_field", "unknown field '" + Validation.printable(u.getPropertyName())
              + "'" + (known == null ? "" : ": the accepted fields are " + sorted(known)))
          .with("field", field);
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      String field = path(m);
      IllegalArgumentException refused = cause(m, IllegalArgumentException.class);
      if (refused != null) {
        // Our own parse methods say what was wrong and what is accepted.
        return ApiError.invalidField(field, refused.getMessage());
      }
      Class<?> target = m instanceof MismatchedInputException mi ? mi.getTargetType() : null;
      String value = m instanceof InvalidFormatException f && f.getValue() != null
          ? " '" + Validation.printable(String.valueOf(f.getValue())) + "'" : "";
      return ApiError.invalidField(field, field + value + " is not valid: " + expected(target));
    }
    if (e instanceof MismatchedInputException) {
      return new ApiError(400, "invalid_json", "the body must be a JSON object");
    }
    if (e instanceof JsonProcessingException p) {
      return new ApiError(400, "invalid_json",
          "the body is not valid JSON" + at(p.getLocation()) + ": " + p.getOriginalMessage());
    }
    return new ApiError(400, "invalid_json", "the body could not be read: " + e.getMessage());
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 0
        ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        b.append(b.length() == 0 ? "" : ".").append(Validation.printable(r.getFieldName()));
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "it has the wrong type";
    }
    if (type == String.class) {
      return "use a string";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "use true or false";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "use a whole number";
    }
    if (type == Duration.class) {
      return "use an ISO-8601 duration such as PT15M (15 minutes) or PT1H";
    }
    if (type == Instant.class) {
      return "use an ISO-8601 UTC time such as 2025-01-31T02:00:00Z";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "use a list, e.g. [\"api\"]";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "use an object, e.g. {\"api\": \"v1\"}";
    }
    if (type.isEnum()) {
      return "use one of " + Arrays.stream(type.getEnumConstants())
          .map(c -> new String(write(c), StandardCharsets.UTF_8))
          .collect(Collectors.joining(", "));
    }
    return "use an object";
  }

  private static String sorted(Collection<Object> known) {
    return known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  /** Reads "P1", "p1" or 1 through {@link Severity#parse}, whose message names the accepted values. */
  private static final class SeverityDeserializer extends StdDeserializer<Severity> {
    private static final long serialVersionUID = 1L;

    SeverityDeserializer() {
      super(Severity.class);
    }

    @Override
    public Severity deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING || p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        return Severity.parse(p.getText());
      }
      return (Severity) ctxt.handleUnexpectedToken(Severity.class, p);
    }
  }

  /** Writes the name people type (emergency, database, full). */
  private static final class RunbookTypeSerializer extends StdSerializer<RunbookType> {
    private static final long serialVersionUID = 1L;

    RunbookTypeSerializer() {
      super(RunbookType.class);
    }

    @Override
    public void serialize(RunbookType value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeString(value.id());
    }
  }
}
