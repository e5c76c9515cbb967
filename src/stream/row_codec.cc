#include "stream/row_codec.h"

#include <cstring>

#include "common/exception.h"

namespace basin::stream {

namespace {

[[noreturn]] void Truncated() {
  throw DataError(sqlstate::kDataCorrupted, "stream state: a stored row ends early");
}

size_t FixedSize(PhysicalType type) {
  return type == PhysicalType::kString ? 0 : PhysicalSize(type);
}

}  // namespace

bool IsEncodable(const LogicalType& type) {
  return type.physical() != PhysicalType::kList;
}

void EncodeValue(const Vector& vector, size_t row, std::string& out) {
  const size_t r = vector.IsConstant() ? 0 : row;
  if (vector.IsNull(r)) {
    out.push_back('\0');
    return;
  }
  out.push_back('\1');
  const PhysicalType type = vector.type().physical();
  if (type == PhysicalType::kString) {
    const string_t s = vector.data<string_t>()[r];
    AppendFixed<uint32_t>(out, s.size());
    out.append(s.data(), s.size());
    return;
  }
  if (type == PhysicalType::kList) throw NotImplementedError("stream state cannot hold LIST values yet");
  const size_t size = FixedSize(type);
  out.append(reinterpret_cast<const char*>(vector.data<uint8_t>() + r * size), size);
}

void EncodeRow(const DataChunk& chunk, size_t first, size_t count, size_t row, std::string& out) {
  for (size_t c = first; c < first + count; c++) EncodeValue(chunk.column(c), row, out);
}

void DecodeValue(std::string_view& in, Vector& vector, size_t row) {
  if (in.empty()) Truncated();
  const bool valid = in[0] != '\0';
  in.remove_prefix(1);
  if (!valid) {
    if (vector.validity().AllValid()) vector.validity().Initialize(std::max(vector.capacity(), kVectorSize));
    vector.SetNull(row);
    return;
  }
  vector.SetNull(row, false);
  const PhysicalType type = vector.type().physical();
  if (type == PhysicalType::kString) {
    const uint32_t size = ReadFixed<uint32_t>(in);
    if (in.size() < size) Truncated();
    vector.data<string_t>()[row] = vector.AddString(in.substr(0, size));
    in.remove_prefix(size);
    return;
  }
  if (type == PhysicalType::kList) throw NotImplementedError("stream state cannot hold LIST values yet");
  const size_t size = FixedSize(type);
  if (in.size() < size) Truncated();
  std::memcpy(vector.data<uint8_t>() + row * size, in.data(), size);
  in.remove_prefix(size);
}

void DecodeRow(std::string_view& in, DataChunk& chunk, size_t first, size_t count, size_t row) {
  for (size_t c = first; c < first + count; c++) DecodeValue(in, chunk.column(c), row);
}

void AppendOrderedInt64(std::string& out, int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v) ^ (uint64_t{1} << 63);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((u >> shift) & 0xff));
}

int64_t ReadOrderedInt64(std::string_view& in) {
  if (in.size() < 8) Truncated();
  uint64_t u = 0;
  for (int i = 0; i < 8; i++) u = (u << 8) | static_cast<uint8_t>(in[i]);
  in.remove_prefix(8);
  return static_cast<int64_t>(u ^ (uint64_t{1} << 63));
}

std::string_view ReadBytes(std::string_view& in, size_t n) {
  if (in.size() < n) Truncated();
  std::string_view part = in.substr(0, n);
  in.remove_prefix(n);
  return part;
}

std::string OrderedKeyBound(std::string_view prefix, int64_t t) {
  std::string end(prefix);
  if (t == INT64_MAX) {
    // Past every key of the prefix: its last byte raised by one (prefixes here are one letter).
    end.back() = static_cast<char>(end.back() + 1);
  } else {
    AppendOrderedInt64(end, t + 1);
  }
  return end;
}

}  // namespace basin::stream
