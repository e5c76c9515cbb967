// JsonWriter: rows to newline-delimited JSON.

#include "formats/json/json_writer.h"

#include <charconv>
#include <cmath>

#include "common/exception.h"
#include "types/datetime.h"

namespace basin::json {

namespace {

constexpr size_t kFlushSize = size_t{1} << 20;

template <class T>
void AppendNumber(std::string& out, T value) {
  char digits[64];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, end);
}

}  // namespace

JsonWriter::JsonWriter(const std::string& path, const std::vector<std::string>& names, bool array)
    : file_(std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc)),
      out_(file_.get()),
      name_(path),
      encoder_(names),
      array_(array) {
  if (!*file_) throw IOError("could not open file \"" + path + "\" for writing");
}

JsonWriter::JsonWriter(std::ostream& output, const std::vector<std::string>& names, std::string name,
                       bool array)
    : out_(&output), name_(std::move(name)), encoder_(names), array_(array) {}

JsonWriter::~JsonWriter() {
  try {
    if (!closed_) Close();
  } catch (const Exception&) {  // the destructor closes silently; Close() reports
  }
}

void JsonWriter::WriteChunk(const DataChunk& chunk) {
  for (size_t row = 0; row < chunk.size(); row++) {
    if (array_) buffer_ += rows_ == 0 ? "[\n" : ",\n";
    rows_++;
    encoder_.Append(buffer_, chunk, row);
    if (!array_) buffer_ += '\n';
    if (buffer_.size() >= kFlushSize) Flush();
  }
}

void AppendJsonValue(std::string& out, const Vector& v, size_t row) {
  if (v.IsNull(row)) {
    out += "null";
    return;
  }
  const size_t i = v.IsConstant() ? 0 : row;
  switch (v.type().id()) {
    case TypeId::kBoolean:
      out += v.data<uint8_t>()[i] ? "true" : "false";
      return;
    case TypeId::kSmallInt:
      return AppendNumber(out, v.data<int16_t>()[i]);
    case TypeId::kInteger:
      return AppendNumber(out, v.data<int32_t>()[i]);
    case TypeId::kBigInt:
      return AppendNumber(out, v.data<int64_t>()[i]);
    case TypeId::kReal:
    case TypeId::kDouble: {
      double d = v.type().id() == TypeId::kReal ? v.data<float>()[i] : v.data<double>()[i];
      if (std::isnan(d)) {
        out += "\"NaN\"";
      } else if (std::isinf(d)) {
        out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      } else {
        AppendNumber(out, d);
      }
      return;
    }
    case TypeId::kDecimal:
      out += v.GetValue(row).ToString();
      return;
    case TypeId::kVarchar:
      return AppendJsonString(out, v.data<string_t>()[i].view());
    case TypeId::kDate:
      return AppendJsonString(out, date::ToString(v.data<int32_t>()[i]));
    case TypeId::kTimestamp:
      return AppendJsonString(out, timestamp::ToString(v.data<int64_t>()[i]));
    case TypeId::kTimestampTz:
      return AppendJsonString(out, timestamp::ToStringTz(v.data<int64_t>()[i]));
    case TypeId::kList: {
      const list_entry_t& entry = v.data<list_entry_t>()[i];
      out += '[';
      for (uint64_t k = 0; k < entry.length; k++) {
        if (k > 0) out += ',';
        AppendJsonValue(out, v.child(), entry.offset + k);
      }
      out += ']';
      return;
    }
    default:  // TIME, INTERVAL, BLOB: their text
      return AppendJsonString(out, v.GetValue(row).ToString());
  }
}

void AppendJsonString(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 15];
          out += kHex[c & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

JsonObjectEncoder::JsonObjectEncoder(const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    std::string key;
    AppendJsonString(key, n);
    keys_.push_back(key + ":");
  }
}

void JsonObjectEncoder::Append(std::string& out, const DataChunk& chunk, size_t row,
                               size_t first_column) const {
  out += '{';
  for (size_t c = 0; c < keys_.size(); c++) {
    if (c > 0) out += ',';
    out += keys_[c];
    AppendJsonValue(out, chunk.column(first_column + c), row);
  }
  out += '}';
}

void JsonWriter::Flush() {
  out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  if (!*out_) throw IOError("could not write to \"" + name_ + "\"");
}

void JsonWriter::Close() {
  closed_ = true;
  if (array_) buffer_ += rows_ == 0 ? "[]\n" : "\n]\n";
  Flush();
  out_->flush();
  if (file_) file_->close();
  if (!*out_) throw IOError("could not write to \"" + name_ + "\"");
}

}  // namespace basin::json
