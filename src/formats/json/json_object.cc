// ObjectReader: one JSON object at a time, with simdjson's On-Demand parser, into typed vectors or a reason.

#include "formats/json/json_object.h"

#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "types/datetime.h"
#include "types/text_parse.h"
#include "vector/vector.h"

namespace basin::json {

namespace od = simdjson::ondemand;

namespace {

/// Why a value does not fit its type.
enum class Misfit { kNone, kType, kRange, kLength };

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// Characters of UTF-8 text (simdjson has validated it).
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void StoreString(Vector& v, size_t row, std::string_view s) {
  v.data<string_t>()[row] = s.size() <= string_t::kInlineLength ? string_t(s) : v.AddString(s);
}

/// An integer in [min, max] from a JSON number or a string holding one.
Misfit ToInteger(od::value& value, od::json_type type, int64_t min, int64_t max, int64_t& out) {
  if (type == od::json_type::string) {
    std::string_view s;
    if (value.get_string().get(s)) return Misfit::kType;
    switch (ParseInteger(s, min, max, out)) {
      case ParseStatus::kOk:
        return Misfit::kNone;
      case ParseStatus::kOutOfRange:
        return Misfit::kRange;
      case ParseStatus::kInvalid:
        return Misfit::kType;
    }
  }
  if (type != od::json_type::number) return Misfit::kType;
  od::number_type kind;
  if (value.get_number_type().get(kind)) return Misfit::kRange;  // beyond 64 bits
  if (kind == od::number_type::signed_integer) {
    if (value.get_int64().get(out)) return Misfit::kRange;
  } else if (kind == od::number_type::unsigned_integer) {
    return Misfit::kRange;
  } else {
    double d;
    if (value.get_double().get(d)) return Misfit::kType;
    if (d != std::trunc(d)) return Misfit::kType;
    if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)) return Misfit::kRange;
    out = static_cast<int64_t>(d);
  }
  return out < min || out > max ? Misfit::kRange : Misfit::kNone;
}

/// A double from a JSON number (any size) or a string holding one ("NaN", "Infinity", as JsonWriter writes).
Misfit ToDouble(od::value& value, od::json_type type, double& out) {
  std::string_view text;
  if (type == od::json_type::string) {
    if (value.get_string().get(text)) return Misfit::kType;
  } else if (type == od::json_type::number) {
    if (!value.get_double().get(out)) return Misfit::kNone;
    text = TrimRight(value.raw_json_token());  // an integer beyond 64 bits
  } else {
    return Misfit::kType;
  }
  switch (ParseDouble(text, out)) {
    case ParseStatus::kOk:
      return Misfit::kNone;
    case ParseStatus::kOutOfRange:
      return Misfit::kRange;
    case ParseStatus::kInvalid:
      break;
  }
  return Misfit::kType;
}

/// Write `value` into row `row` of `out` (null: check only), converting to `type`.
Misfit Convert(od::value& value, const LogicalType& type, Vector* out, size_t row) {
  od::json_type json_type;
  if (value.type().get(json_type)) return Misfit::kType;
  if (json_type == od::json_type::null) {
    // A null inside a list (top-level nulls are handled by the caller).
    if (out) out->SetNull(row);
    return Misfit::kNone;
  }
  if (out) out->SetNull(row, false);
  switch (type.id()) {
    case TypeId::kBoolean: {
      bool b;
      std::string_view s;
      if (json_type == od::json_type::boolean) {
        if (value.get_bool().get(b)) return Misfit::kType;
      } else if (json_type == od::json_type::string && !value.get_string().get(s) &&
                 (s == "true" || s == "false")) {
        b = s == "true";
      } else {
        return Misfit::kType;
      }
      if (out) out->data<uint8_t>()[row] = b;
      return Misfit::kNone;
    }
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt: {
      const int64_t max = type.id() == TypeId::kSmallInt  ? INT16_MAX
                          : type.id() == TypeId::kInteger ? INT32_MAX
                                                          : INT64_MAX;
      int64_t x = 0;
      Misfit m = ToInteger(value, json_type, -max - 1, max, x);
      if (m != Misfit::kNone || !out) return m;
      if (type.id() == TypeId::kSmallInt) {
        out->data<int16_t>()[row] = static_cast<int16_t>(x);
      } else if (type.id() == TypeId::kInteger) {
        out->data<int32_t>()[row] = static_cast<int32_t>(x);
      } else {
        out->data<int64_t>()[row] = x;
      }
      return Misfit::kNone;
    }
    case TypeId::kReal:
    case TypeId::kDouble: {
      double d = 0;
      Misfit m = ToDouble(value, json_type, d);
      if (m != Misfit::kNone) return m;
      if (type.id() == TypeId::kReal) {
        if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max()) return Misfit::kRange;
        if (out) out->data<float>()[row] = static_cast<float>(d);
      } else if (out) {
        out->data<double>()[row] = d;
      }
      return Misfit::kNone;
    }
    case TypeId::kDecimal: {
      std::string_view text;
      if (json_type == od::json_type::number) {
        text = TrimRight(value.raw_json_token());
      } else if (json_type != od::json_type::string || value.get_string().get(text)) {
        return Misfit::kType;
      }
      hugeint_t unscaled = 0;
      switch (ParseDecimal(text, type.width(), type.scale(), unscaled)) {
        case ParseStatus::kOk:
          break;
        case ParseStatus::kOutOfRange:
          return Misfit::kRange;
        case ParseStatus::kInvalid:
          return Misfit::kType;
      }
      if (out && type.width() <= LogicalType::kMaxInt64DecimalWidth) {
        out->data<int64_t>()[row] = static_cast<int64_t>(unscaled);
      } else if (out) {
        out->data<hugeint_t>()[row] = unscaled;
      }
      return Misfit::kNone;
    }
    case TypeId::kVarchar: {
      std::string_view s;
      simdjson::error_code error = simdjson::SUCCESS;
      if (json_type == od::json_type::string) {
        error = value.get_string().get(s);
      } else if (json_type == od::json_type::object) {
        od::object object;
        error = value.get_object().get(object);
        if (!error) error = object.raw_json().get(s);
      } else if (json_type == od::json_type::array) {
        od::array array;
        error = value.get_array().get(array);
        if (!error) error = array.raw_json().get(s);
      } else {
        s = TrimRight(value.raw_json_token());
      }
      if (error) return Misfit::kType;
      if (type.max_length() > 0 && s.size() > type.max_length() && CodePoints(s) > type.max_length())
        return Misfit::kLength;
      if (out) StoreString(*out, row, s);
      return Misfit::kNone;
    }
    case TypeId::kBlob: {
      std::string_view s;
      if (json_type != od::json_type::string || value.get_string().get(s)) return Misfit::kType;
      std::string bytes;
      if (!ParseBlob(s, bytes)) return Misfit::kType;
      if (out) StoreString(*out, row, bytes);
      return Misfit::kNone;
    }
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kInterval: {
      const bool is_timestamp = type.id() == TypeId::kTimestamp || type.id() == TypeId::kTimestampTz;
      if (is_timestamp && json_type == od::json_type::number) {
        // Milliseconds since the epoch, as Kafka stamps records and most event producers write them.
        int64_t ms = 0;
        Misfit m = ToInteger(value, json_type, INT64_MIN / 1000, INT64_MAX / 1000, ms);
        if (m != Misfit::kNone) return m;
        if (out) out->data<int64_t>()[row] = ms * 1000;
        return Misfit::kNone;
      }
      std::string_view s;
      if (json_type != od::json_type::string || value.get_string().get(s)) return Misfit::kType;
      bool range = false, ok = false;
      switch (type.id()) {
        case TypeId::kDate: {
          int32_t days = 0;
          ok = date::TryParse(s, days, &range);
          if (ok && out) out->data<int32_t>()[row] = days;
          break;
        }
        case TypeId::kTime: {
          int64_t micros = 0;
          ok = time_of_day::TryParse(s, micros, &range);
          if (ok && out) out->data<int64_t>()[row] = micros;
          break;
        }
        case TypeId::kInterval: {
          interval_t iv;
          ok = interval::TryParse(s, iv);
          if (ok && out) out->data<interval_t>()[row] = iv;
          break;
        }
        default: {
          int64_t micros = 0;
          ok = timestamp::TryParse(s, micros, nullptr, &range);
          if (ok && out) out->data<int64_t>()[row] = micros;
          break;
        }
      }
      return ok ? Misfit::kNone : range ? Misfit::kRange : Misfit::kType;
    }
    case TypeId::kList: {
      od::array array;
      if (json_type != od::json_type::array || value.get_array().get(array)) return Misfit::kType;
      const LogicalType& element = type.element();
      size_t first = out ? out->child_size() : 0;
      size_t count = 0;
      for (auto item : array) {
        od::value v;
        if (item.get(v)) return Misfit::kType;
        if (out) {
          out->ReserveChild(1);
          out->set_child_size(first + count + 1);
        }
        Misfit m = Convert(v, element, out ? &out->child() : nullptr, first + count);
        if (m != Misfit::kNone) {
          if (out) out->set_child_size(first);
          return m;
        }
        count++;
      }
      if (out) out->data<list_entry_t>()[row] = {first, count};
      return Misfit::kNone;
    }
    default:
      return Misfit::kType;
  }
}

/// The value's JSON text for a message, shortened.
std::string Excerpt(od::value& value) {
  od::json_type type;
  if (value.type().get(type)) return "a malformed value";
  if (type == od::json_type::object) return "an object";
  if (type == od::json_type::array) return "an array";
  std::string_view token = TrimRight(value.raw_json_token());
  if (token.size() > 40) return std::string(token.substr(0, 37)) + "...";
  return std::string(token);
}

std::string Quoted(const std::string& name) {
  return "field \"" + name + "\"";
}

}  // namespace

struct ObjectReader::Impl {
  od::parser parser;
  std::string buffer;                                  // the value copied with simdjson's padding after it
  std::unordered_map<std::string_view, size_t> index;  // views into fields_
  std::vector<uint64_t> seen;                          // per field: the last parse that met its key
  uint64_t parse_number = 0;
  size_t last_found = SIZE_MAX;

  /// The field of `key`, or -1. Objects usually list keys in the declared order: try the next one first.
  int64_t Find(std::string_view key, const std::vector<ObjectField>& fields) {
    size_t guess = last_found + 1;
    if (guess < fields.size() && fields[guess].name == key) return static_cast<int64_t>(last_found = guess);
    auto it = index.find(key);
    if (it == index.end()) return -1;
    return static_cast<int64_t>(last_found = it->second);
  }
};

ObjectReader::ObjectReader(std::vector<ObjectField> fields)
    : fields_(std::move(fields)), impl_(std::make_unique<Impl>()) {
  for (size_t i = 0; i < fields_.size(); i++) impl_->index.emplace(fields_[i].name, i);
  impl_->seen.assign(fields_.size(), 0);
}

ObjectReader::~ObjectReader() = default;

std::optional<std::string> ObjectReader::Check(std::string_view json) {
  std::string reason;
  if (Parse(json, nullptr, 0, &reason)) return std::nullopt;
  return reason;
}

bool ObjectReader::Read(std::string_view json, Vector* const* columns, size_t row) {
  if (Parse(json, columns, row, nullptr)) return true;
  for (size_t i = 0; i < fields_.size(); i++) {
    if (columns[i]) columns[i]->SetNull(row);
  }
  return false;
}

bool ObjectReader::Parse(std::string_view json, Vector* const* columns, size_t row, std::string* reason) {
  Impl& m = *impl_;
  auto malformed = [&](simdjson::error_code error) {
    if (reason) *reason = std::string("malformed JSON: ") + simdjson::error_message(error);
    return false;
  };
  m.buffer.assign(json);
  m.buffer.resize(json.size() + simdjson::SIMDJSON_PADDING);
  od::document doc;
  simdjson::error_code error = m.parser.iterate(m.buffer.data(), json.size(), m.buffer.size()).get(doc);
  if (error) return malformed(error);
  od::json_type type;
  if ((error = doc.type().get(type))) return malformed(error);
  if (type != od::json_type::object) {
    if (reason) *reason = "the value is not a JSON object";
    return false;
  }
  od::object object;
  if ((error = doc.get_object().get(object))) return malformed(error);
  const uint64_t number = ++m.parse_number;
  m.last_found = SIZE_MAX;
  for (auto field : object) {
    std::string_view key;
    if ((error = field.unescaped_key().get(key))) return malformed(error);
    const int64_t f = m.Find(key, fields_);
    if (f < 0) continue;  // not declared: skipped
    m.seen[f] = number;
    const ObjectField& declared = fields_[f];
    Vector* out = columns ? columns[f] : nullptr;
    od::value value;
    if ((error = field.value().get(value))) return malformed(error);
    if (!reason && !out) continue;
    bool is_null = false;
    if ((error = value.is_null().get(is_null))) return malformed(error);
    if (is_null) {
      if (out) out->SetNull(row);
      if (reason && declared.not_null) {
        *reason = Quoted(declared.name) + " is null but declared NOT NULL";
        return false;
      }
      continue;
    }
    const Misfit misfit = Convert(value, declared.type, out, row);
    if (misfit == Misfit::kNone) continue;
    if (out) out->SetNull(row);
    if (reason) {
      const std::string type_name = declared.type.ToString();
      const std::string shown = Excerpt(value);
      switch (misfit) {
        case Misfit::kRange:
          *reason = Quoted(declared.name) + ": " + shown + " is out of range for " + type_name;
          break;
        case Misfit::kLength:
          *reason = Quoted(declared.name) + ": the string is longer than " + type_name + " allows";
          break;
        default:
          *reason = Quoted(declared.name) + ": expected " + type_name + ", got " + shown;
          break;
      }
      return false;
    }
  }
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    if (reason) *reason = "malformed JSON: text after the object";
    return false;
  }
  for (size_t f = 0; f < fields_.size(); f++) {
    if (m.seen[f] == number) continue;
    if (columns && columns[f]) columns[f]->SetNull(row);
    if (reason && fields_[f].not_null) {
      *reason = Quoted(fields_[f].name) + " is missing but declared NOT NULL";
      return false;
    }
  }
  return true;
}

}  // namespace basin::json
