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
      array_(array) {
  if (!*file_) throw IOError("could not open file \"" + path + "\" for writing");
  SetKeys(names);
}

JsonWriter::JsonWriter(std::ostream& output, const std::vector<std::string>& names, std::string name,
                       bool array)
    : out_(&output), name_(std::move(name)), array_(array) {
  SetKeys(names);
}

void JsonWriter::SetKeys(const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    WriteString(n);
    keys_.push_back(buffer_ + ":");
    buffer_.clear();
  }
}

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
    buffer_ += '{';
    for (size_t c = 0; c < chunk.ColumnCount(); c++) {
      if (c > 0) buffer_ += ',';
      buffer_ += keys_[c];
      WriteValue(chunk.column(c), row);
    }
    buffer_ += array_ ? "}" : "}\n";
    if (buffer_.size() >= kFlushSize) Flush();
  }
}

void JsonWriter::WriteValue(const Vector& v, size_t row) {
  if (v.IsNull(row)) {
    buffer_ += "null";
    return;
  }
  const size_t i = v.IsConstant() ? 0 : row;
  switch (v.type().id()) {
    case TypeId::kBoolean:
      buffer_ += v.data<uint8_t>()[i] ? "true" : "false";
      return;
    case TypeId::kSmallInt:
      return AppendNumber(buffer_, v.data<int16_t>()[i]);
    case TypeId::kInteger:
      return AppendNumber(buffer_, v.data<int32_t>()[i]);
    case TypeId::kBigInt:
      return AppendNumber(buffer_, v.data<int64_t>()[i]);
    case TypeId::kReal:
    case TypeId::kDouble: {
      double d = v.type().id() == TypeId::kReal ? v.data<float>()[i] : v.data<double>()[i];
      if (std::isnan(d)) {
        buffer_ += "\"NaN\"";
      } else if (std::isinf(d)) {
        buffer_ += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      } else {
        AppendNumber(buffer_, d);
      }
      return;
    }
    case TypeId::kDecimal:
      buffer_ += v.GetValue(row).ToString();
      return;
    case TypeId::kVarchar:
      return WriteString(v.data<string_t>()[i].view());
    case TypeId::kDate:
      return WriteString(date::ToString(v.data<int32_t>()[i]));
    case TypeId::kTimestamp:
      return WriteString(timestamp::ToString(v.data<int64_t>()[i]));
    case TypeId::kTimestampTz:
      return WriteString(timestamp::ToStringTz(v.data<int64_t>()[i]));
    case TypeId::kList: {
      const list_entry_t& entry = v.data<list_entry_t>()[i];
      buffer_ += '[';
      for (uint64_t k = 0; k < entry.length; k++) {
        if (k > 0) buffer_ += ',';
        WriteValue(v.child(), entry.offset + k);
      }
      buffer_ += ']';
      return;
    }
    default:  // TIME, INTERVAL, BLOB: their text
      return WriteString(v.GetValue(row).ToString());
  }
}

void JsonWriter::WriteString(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  buffer_ += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        buffer_ += "\\\"";
        break;
      case '\\':
        buffer_ += "\\\\";
        break;
      case '\n':
        buffer_ += "\\n";
        break;
      case '\r':
        buffer_ += "\\r";
        break;
      case '\t':
        buffer_ += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          buffer_ += "\\u00";
          buffer_ += kHex[(c >> 4) & 15];
          buffer_ += kHex[c & 15];
        } else {
          buffer_ += c;
        }
    }
  }
  buffer_ += '"';
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
