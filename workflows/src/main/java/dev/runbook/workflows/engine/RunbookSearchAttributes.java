package dev.runbook.workflows.engine;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.util.List;
import java.util.Map;

/** The custom search attributes runs set, so they can be found and followed in Temporal UI. */
public final class RunbookSearchAttributes {
  public static final SearchAttributeKey<String> RUNBOOK_TYPE = SearchAttributeKey.forKeyword("RunbookType");
  public static final SearchAttributeKey<String> SEVERITY = SearchAttributeKey.forKeyword("Severity");
  public static final SearchAttributeKey<List<String>> SERVICE = SearchAttributeKey.forKeywordList("Service");
  public static final SearchAttributeKey<String> PHASE = SearchAttributeKey.forKeyword("Phase");

  /** Name and type of each, for registering them on a server. */
  public static final Map<String, IndexedValueType> ALL =
      Map.of(
          RUNBOOK_TYPE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          SEVERITY.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          SERVICE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
          PHASE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);

  private RunbookSearchAttributes() {}

  /**
   * The name Temporal's command line gives a type ({@code temporal operator search-attribute create
   * --type}, {@code temporal server start-dev --search-attribute NAME=TYPE}).
   */
  public static String cliTypeName(IndexedValueType type) {
    return switch (type) {
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_DOUBLE -> "Double";
      case INDEXED_VALUE_TYPE_BOOL -> "Bool";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      default -> throw new IllegalArgumentException("no command-line name for search attribute type " + type);
    };
  }
}
