#include "main/json_result.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "common/utf8.h"
#include "vector/vector.h"

namespace basin {
namespace {

// True when `text` is a number by JSON's grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
bool IsJsonNumber(std::string_view text) {
  size_t i = 0;
  const auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) i++;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') i++;
  if (i < text.size() && text[i] == '0') {
    i++;
  } else if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    i++;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    i++;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) i++;
    if (!digits()) return false;
  }
  return i == text.size();
}

void AppendFloating(const Value& value, std::string* out) {
  const double d = value.GetDouble();
  if (std::isnan(d)) {
    out->append("\"NaN\"");
  } else if (std::isinf(d)) {
    out->append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    std::string text = value.ToString();
    if (!IsJsonNumber(text)) {
      // Shortest form that reads back exactly, should ToString ever print something JSON does not accept.
      char buffer[32];
      std::snprintf(buffer, sizeof(buffer), "%.17g", d);
      text = buffer;
    }
    out->append(text);
  }
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (size_t pos = 0; pos < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x80) {
      const int32_t cp = DecodeUtf8(text, &pos);
      AppendUtf8(cp == kInvalidCodePoint ? 0xFFFD : cp, out);
      continue;
    }
    pos++;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
          out->append(buffer);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(const Value& value, std::string* out) {
  if (value.IsNull()) {
    out->append("null");
    return;
  }
  switch (value.type().id()) {
    case TypeId::kBoolean:
      out->append(value.GetBool() ? "true" : "false");
      return;
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
      out->append(std::to_string(value.GetInt64()));
      return;
    case TypeId::kDecimal: {
      // Written from its exact text, never through a double, so no digit is lost.
      const std::string text = value.ToString();
      if (IsJsonNumber(text)) {
        out->append(text);
      } else {
        AppendJsonString(text, out);
      }
      return;
    }
    case TypeId::kReal:
    case TypeId::kDouble:
      AppendFloating(value, out);
      return;
    default:
      AppendJsonString(value.ToString(), out);
  }
}

void AppendJsonColumns(const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                       std::string* out) {
  out->push_back('[');
  for (size_t c = 0; c < names.size(); c++) {
    if (c > 0) out->push_back(',');
    out->append("{\"name\":");
    AppendJsonString(names[c], out);
    out->append(",\"type\":");
    AppendJsonString(types[c].ToString(), out);
    out->push_back('}');
  }
  out->push_back(']');
}

void AppendJsonRow(const DataChunk& chunk, size_t row, std::string* out) {
  out->push_back('[');
  for (size_t c = 0; c < chunk.ColumnCount(); c++) {
    if (c > 0) out->push_back(',');
    AppendJsonValue(chunk.GetValue(c, row), out);
  }
  out->push_back(']');
}

void AppendJsonRowsHead(const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                        std::string* out) {
  out->append("{\"columns\":");
  AppendJsonColumns(names, types, out);
  out->append(",\"rows\":[");
}

void AppendJsonRowsTail(bool truncated, std::string* out) {
  out->push_back(']');
  if (truncated) out->append(",\"truncated\":true");
  out->push_back('}');
}

void AppendJsonObject(const std::vector<std::string>& names, const DataChunk& chunk, size_t row, std::string* out) {
  out->push_back('{');
  for (size_t c = 0; c < names.size(); c++) {
    if (c > 0) out->push_back(',');
    AppendJsonString(names[c], out);
    out->push_back(':');
    AppendJsonValue(chunk.GetValue(c, row), out);
  }
  out->push_back('}');
}

void AppendJsonObjects(const QueryResult& result, std::string* out) {
  bool first = true;
  for (const auto& chunk : result.chunks()) {
    for (size_t r = 0; r < chunk->size(); r++, first = false) {
      if (!first) out->push_back(',');
      AppendJsonObject(result.names(), *chunk, r, out);
    }
  }
}

std::string ResultToJson(const QueryResult& result, bool with_elapsed, size_t max_rows) {
  std::string out;
  switch (result.kind()) {
    case QueryResult::Kind::kError:
      out.append("{\"error\":{\"code\":");
      AppendJsonString(result.error().sqlstate, &out);
      out.append(",\"message\":");
      AppendJsonString(result.error().message, &out);
      out.append("}");
      break;
    case QueryResult::Kind::kCount:
      out.append("{\"ok\":true,\"rows_affected\":");
      out.append(std::to_string(result.rows_affected()));
      break;
    case QueryResult::Kind::kRows: {
      AppendJsonRowsHead(result.names(), result.types(), &out);
      size_t written = 0;
      for (const auto& chunk : result.chunks()) {
        for (size_t r = 0; r < chunk->size() && written < max_rows; r++, written++) {
          if (written > 0) out.push_back(',');
          AppendJsonRow(*chunk, r, &out);
        }
      }
      AppendJsonRowsTail(written < result.RowCount(), &out);
      out.pop_back();  // the object is closed below, after elapsed_ms
      break;
    }
  }
  if (with_elapsed) {
    char buffer[48];
    std::snprintf(buffer, sizeof(buffer), ",\"elapsed_ms\":%.3f", result.elapsed_ms());
    out.append(buffer);
  }
  out.push_back('}');
  return out;
}

}  // namespace basin
