// JsonReader: records parsed with simdjson's DOM parser, one at a time, into typed vectors.

#include "formats/json/json_reader.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <exception>
#include <fstream>
#include <unordered_map>
#include <utility>

#include "common/exception.h"
#include "formats/json/json_records.h"
#include "types/datetime.h"

namespace basin::json {

using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

/// ISO shapes only ("2024-01-31", "2024-01-31T10:00:00[.f][Z|+hh:mm]"): plain text such as "20240131" or
/// "epoch", which casts would accept, stays VARCHAR.
LogicalType StringType(std::string_view s) {
  auto digits = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; i++) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
  };
  if (s.size() < 10 || !digits(0, 4) || s[4] != '-' || !digits(5, 7) || s[7] != '-' || !digits(8, 10)) {
    return TypeId::kVarchar;
  }
  if (s.size() == 10) {
    int32_t days;
    return date::TryParse(s, days) ? TypeId::kDate : TypeId::kVarchar;
  }
  if ((s[10] != 'T' && s[10] != ' ') || s.size() < 16 || !digits(11, 13) || s[13] != ':')
    return TypeId::kVarchar;
  int64_t micros;
  bool has_offset = false;
  if (!timestamp::TryParse(s, micros, &has_offset)) return TypeId::kVarchar;
  return has_offset ? TypeId::kTimestampTz : TypeId::kTimestamp;
}

LogicalType InferType(element value) {
  switch (value.type()) {
    case element_type::NULL_VALUE:
      return TypeId::kNull;
    case element_type::BOOL:
      return TypeId::kBoolean;
    case element_type::INT64:
      return TypeId::kBigInt;
    case element_type::UINT64:  // beyond BIGINT
    case element_type::DOUBLE:
      return TypeId::kDouble;
    case element_type::STRING:
      return StringType(value.get_string().value_unsafe());
    default:  // objects and arrays: their JSON text
      return TypeId::kVarchar;
  }
}

/// The narrowest type holding values of both `a` and `b`.
LogicalType Widen(const LogicalType& a, const LogicalType& b) {
  if (a.id() == TypeId::kNull || a == b) return b;
  if (b.id() == TypeId::kNull) return a;
  auto either = [&](TypeId x, TypeId y) {
    return (a.id() == x && b.id() == y) || (a.id() == y && b.id() == x);
  };
  if (either(TypeId::kBigInt, TypeId::kDouble)) return TypeId::kDouble;
  if (either(TypeId::kDate, TypeId::kTimestamp)) return TypeId::kTimestamp;
  if (either(TypeId::kDate, TypeId::kTimestampTz)) return TypeId::kTimestampTz;
  return TypeId::kVarchar;
}

/// Append ".0" to integer literals too long for 64 bits, outside strings, so that simdjson reads them as
/// doubles instead of failing (JSON numbers have no size limit).
std::string WidenBigIntegers(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool in_string = false;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      if (c == '"') in_string = false;
      i++;
      continue;
    }
    if (c == '"') in_string = true;
    if (c != '-' && (c < '0' || c > '9')) {
      out += c;
      i++;
      continue;
    }
    size_t end = i + 1;
    while (end < text.size() &&
           ((text[end] >= '0' && text[end] <= '9') || text[end] == '.' || text[end] == 'e' ||
            text[end] == 'E' || text[end] == '+' || text[end] == '-')) {
      end++;
    }
    std::string_view number = text.substr(i, end - i);
    out += number;
    if (number.find_first_of(".eE") == std::string_view::npos && number.size() > 18) out += ".0";
    i = end;
  }
  return out;
}

/// The value as JSON text, shortened for an error message.
std::string Excerpt(element value) {
  std::string text = simdjson::minify(value);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

template <class T>
bool ParseNumber(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

void StoreString(Vector& v, size_t row, std::string_view s) {
  v.data<string_t>()[row] = s.size() <= string_t::kInlineLength ? string_t(s) : v.AddString(s);
}

/// Write `value` into row `row` of `v`, converting to the vector's (native) type; false when it does not fit.
bool StoreValue(Vector& v, size_t row, element value) {
  const element_type t = value.type();
  if (t == element_type::NULL_VALUE) {
    v.SetNull(row);
    return true;
  }
  v.SetNull(row, false);
  const bool is_string = t == element_type::STRING;
  std::string_view s = is_string ? value.get_string().value_unsafe() : std::string_view();
  switch (v.type().id()) {
    case TypeId::kBoolean: {
      bool b;
      if (t == element_type::BOOL) {
        b = value.get_bool().value_unsafe();
      } else if (is_string && (s == "true" || s == "false")) {
        b = s == "true";
      } else {
        return false;
      }
      v.data<uint8_t>()[row] = b;
      return true;
    }
    case TypeId::kBigInt: {
      int64_t x;
      if (t == element_type::INT64) {
        x = value.get_int64().value_unsafe();
      } else if (t == element_type::DOUBLE) {
        double d = value.get_double().value_unsafe();
        if (d != std::trunc(d) || d < -9.2233720368547758e18 || d >= 9.2233720368547758e18) return false;
        x = static_cast<int64_t>(d);
      } else if (!is_string || !ParseNumber(s, x)) {
        return false;
      }
      v.data<int64_t>()[row] = x;
      return true;
    }
    case TypeId::kDouble: {
      double d;
      if (t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE) {
        d = value.get_double().value_unsafe();
      } else if (!is_string || !ParseNumber(s, d)) {
        return false;
      }
      v.data<double>()[row] = d;
      return true;
    }
    case TypeId::kVarchar:
      if (is_string) {
        StoreString(v, row, s);
      } else {
        StoreString(v, row, simdjson::minify(value));
      }
      return true;
    case TypeId::kDate:
      return is_string && date::TryParse(s, v.data<int32_t>()[row]) && StringType(s).id() == TypeId::kDate;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return is_string && timestamp::TryParse(s, v.data<int64_t>()[row]);
    default:
      throw InternalError("JsonReader: column type " + v.type().ToString() + " is not native");
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError("could not open file \"" + path + "\" for reading");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IOError("could not read file \"" + path + "\"");
  return data;
}

}  // namespace

JsonFormat ParseJsonFormat(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "auto") return JsonFormat::kAuto;
  if (lower == "newline_delimited" || lower == "nd" || lower == "ndjson" || lower == "jsonl") {
    return JsonFormat::kNewlineDelimited;
  }
  if (lower == "array") return JsonFormat::kArray;
  throw Exception(sqlstate::kInvalidParameterValue,
                  "unknown JSON format \"" + std::string(text) + "\" (use auto, newline_delimited or array)");
}

struct JsonReader::Impl {
  Impl(std::string_view bytes, std::string file, JsonReadOptions opts)
      : data(bytes.data(), bytes.size()),
        name(std::move(file)),
        options(opts),
        cursor(std::string_view(data.data(), data.size()), options.format, name) {}

  /// Parse one record into `object`. A malformed record or one that is not an object throws, or, with
  /// ignore_errors, is rejected (recorded when `record`) and false returned.
  bool Parse(const JsonRecord& rec, simdjson::dom::object& object, bool record) {
    auto parsed = parser.parse(rec.text.data(), rec.text.size(), false);  // the input is padded
    if (parsed.error() == simdjson::NUMBER_ERROR) {
      scratch = simdjson::padded_string(WidenBigIntegers(rec.text));
      parsed = parser.parse(scratch);
    }
    if (parsed.error()) {
      return Bad(rec, "", std::string("malformed JSON: ") + simdjson::error_message(parsed.error()),
                 sqlstate::kBadCopyFileFormat, record);
    }
    if (parsed.value_unsafe().get(object) != simdjson::SUCCESS) {
      return Bad(rec, "", "expected a JSON object, got " + Excerpt(parsed.value_unsafe()),
                 sqlstate::kBadCopyFileFormat, record);
    }
    return true;
  }

  /// Reject a record: throw, or keep it in `rejects` (when `record`) and return false.
  bool Bad(const JsonRecord& rec, const std::string& column, const std::string& message, const char* state,
           bool record) {
    if (!options.ignore_errors) {
      std::string where = "file \"" + name + "\", line " + std::to_string(rec.line);
      if (!column.empty()) where += ", column \"" + column + "\"";
      throw DataError(state, message + " (" + where + ")");
    }
    if (record) rejects.push_back({name, rec.line, column, message, std::string(rec.text)});
    return false;
  }

  /// The column of `key`, or -1. Records usually list keys in the same order, so try the one after the
  /// last match before hashing.
  int64_t Find(std::string_view key) {
    size_t guess = last_found + 1;
    if (guess < names.size() && names[guess] == key) return static_cast<int64_t>(last_found = guess);
    auto it = index.find(key);
    if (it == index.end()) return -1;
    return static_cast<int64_t>(last_found = it->second);
  }

  simdjson::padded_string data;
  std::string name;
  JsonReadOptions options;
  RecordCursor cursor;
  simdjson::dom::parser parser;
  simdjson::padded_string scratch;  // a record rewritten by WidenBigIntegers

  std::vector<std::string> names;
  std::vector<LogicalType> types;
  std::unordered_map<std::string_view, size_t> index;  // views into `names`
  size_t last_found = SIZE_MAX;
  std::vector<uint64_t> seen;  // per column: the last record that had its key
  uint64_t record_number = 0;

  std::vector<int64_t> row_lines;
  std::vector<std::string_view> row_texts;  // into `data`
  std::vector<RejectedRow> rejects;
  std::exception_ptr pending;  // an error held back until the rows before it are returned
};

JsonReader::JsonReader(const std::string& path, JsonReadOptions options)
    : impl_(std::make_unique<Impl>(ReadFile(path), path, options)) {}

JsonReader::JsonReader(std::string_view data, std::string name, JsonReadOptions options)
    : impl_(std::make_unique<Impl>(data, std::move(name), options)) {}

JsonReader::~JsonReader() = default;

size_t JsonReader::Sample(std::vector<JsonColumn>& columns, size_t limit) {
  Impl& m = *impl_;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < columns.size(); i++) index.emplace(columns[i].name, i);
  RecordCursor cursor(std::string_view(m.data.data(), m.data.size()), m.options.format, m.name);
  JsonRecord rec;
  simdjson::dom::object object;
  size_t sampled = 0;
  while (sampled < limit && cursor.Next(rec)) {
    if (!m.Parse(rec, object, false)) continue;
    sampled++;
    for (auto field : object) {
      auto [it, added] = index.emplace(std::string(field.key), columns.size());
      if (added) columns.push_back({it->first, TypeId::kNull});
      LogicalType& type = columns[it->second].type;
      type = Widen(type, InferType(field.value));
    }
  }
  return sampled;
}

bool JsonReader::IsNativeType(const LogicalType& type) {
  switch (type.id()) {
    case TypeId::kBoolean:
    case TypeId::kBigInt:
    case TypeId::kDouble:
    case TypeId::kVarchar:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return true;
    default:
      return false;
  }
}

void JsonReader::SetColumns(const std::vector<JsonColumn>& columns) {
  Impl& m = *impl_;
  m.names.clear();
  m.types.clear();
  m.index.clear();
  for (const JsonColumn& c : columns) {
    if (!IsNativeType(c.type))
      throw InternalError("JsonReader: column type " + c.type.ToString() + " is not native");
    m.names.push_back(c.name);
    m.types.push_back(c.type);
  }
  for (size_t i = 0; i < m.names.size(); i++) m.index.emplace(m.names[i], i);
  m.seen.assign(m.names.size(), 0);
}

bool JsonReader::ReadChunk(DataChunk& out) {
  Impl& m = *impl_;
  const size_t capacity = out.capacity() == 0 ? kVectorSize : out.capacity();
  // Fresh vectors each chunk: the previous chunk's strings may still be referenced downstream.
  for (size_t c = 0; c < m.types.size(); c++) out.column(c) = Vector(m.types[c], capacity);
  m.row_lines.resize(capacity);
  m.row_texts.resize(capacity);
  size_t row = 0;
  if (m.pending) std::rethrow_exception(std::exchange(m.pending, nullptr));
  try {
    ReadRecords(out, capacity, row);
  } catch (const Exception&) {
    // Hand out the rows before the bad record first, so that an earlier error found when the caller
    // casts them is the one reported.
    if (row == 0) throw;
    m.pending = std::current_exception();
  }
  out.SetCardinality(row);
  return row > 0;
}

void JsonReader::ReadRecords(DataChunk& out, size_t capacity, size_t& row) {
  Impl& m = *impl_;
  JsonRecord rec;
  simdjson::dom::object object;
  while (row < capacity && m.cursor.Next(rec)) {
    if (!m.Parse(rec, object, true)) continue;
    const uint64_t number = ++m.record_number;
    bool good = true;
    m.last_found = SIZE_MAX;  // the first key is tried against column 0
    for (auto field : object) {
      int64_t c = m.Find(field.key);
      if (c < 0) continue;
      m.seen[c] = number;
      if (!StoreValue(out.column(c), row, field.value)) {
        good = m.Bad(rec, m.names[c],
                     "could not convert JSON value " + Excerpt(field.value) + " to " + m.types[c].ToString(),
                     sqlstate::kInvalidTextRepresentation, true);
        break;
      }
    }
    if (!good) continue;
    for (size_t c = 0; c < m.names.size(); c++) {
      if (m.seen[c] != number) out.column(c).SetNull(row);
    }
    m.row_lines[row] = rec.line;
    m.row_texts[row] = rec.text;
    row++;
  }
}

int64_t JsonReader::RowLine(size_t row) const {
  return impl_->row_lines[row];
}
std::string_view JsonReader::RowText(size_t row) const {
  return impl_->row_texts[row];
}
const std::string& JsonReader::name() const {
  return impl_->name;
}
std::vector<RejectedRow>& JsonReader::rejects() {
  return impl_->rejects;
}

}  // namespace basin::json
