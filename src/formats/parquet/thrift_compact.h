#pragma once

// Apache Thrift compact protocol, the encoding of Parquet's metadata (footer and page headers).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace basin::parquet {

/// Compact protocol wire types (the low nibble of a field header or list header).
enum class CompactType : uint8_t {
  kStop = 0,
  kBooleanTrue = 1,
  kBooleanFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Reads compact-protocol values from a byte range it does not own. Every read checks the bytes left and
/// nesting is limited, so corrupt input ends in DataError ("corrupt Parquet metadata in <file>: ...").
class CompactReader {
 public:
  CompactReader(const uint8_t* data, size_t size, std::string file)
      : data_(data), size_(size), file_(std::move(file)) {}

  size_t position() const { return pos_; }

  /// Begin a struct: field ids restart from 0. Throws when nesting exceeds kMaxDepth.
  void BeginStruct();
  void EndStruct();
  /// Read the next field header; false at the struct's stop byte. A boolean field's value is in its header:
  /// read it with ReadBool() as for any other field.
  [[nodiscard]] bool NextField(int16_t& id, CompactType& type);
  /// Read a list (or set) header: element type and count (bounded by the bytes left).
  void ReadListHeader(CompactType& element_type, uint32_t& size);

  bool ReadBool();
  int8_t ReadByte();
  int16_t ReadI16();
  int32_t ReadI32();
  int64_t ReadI64();
  double ReadDouble();
  std::string ReadBinary();
  /// Skip a value of `type` (nested values included).
  void Skip(CompactType type);

  /// Throw the DataError for this input with `what` as the detail.
  [[noreturn]] void Fail(const std::string& what) const;

  static constexpr int kMaxDepth = 64;

 private:
  uint64_t ReadVarint();
  uint8_t ReadRawByte();

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string file_;
  std::vector<int16_t> last_field_;
  /// Set by NextField for a boolean field, consumed by ReadBool.
  int pending_bool_ = -1;
};

/// Appends compact-protocol values to a byte buffer.
class CompactWriter {
 public:
  void BeginStruct() { last_field_.push_back(0); }
  void EndStruct();
  /// Write a field header (for booleans use WriteBoolField, which carries the value in the header).
  void FieldHeader(int16_t id, CompactType type);
  void WriteBoolField(int16_t id, bool value);
  void ListHeader(CompactType element_type, uint32_t size);

  void WriteByte(int8_t v) { out_.push_back(static_cast<char>(v)); }
  void WriteI16(int16_t v) { WriteVarint(ZigZag(v)); }
  void WriteI32(int32_t v) { WriteVarint(ZigZag(v)); }
  void WriteI64(int64_t v) { WriteVarint(ZigZag(v)); }
  void WriteDouble(double v);
  void WriteBinary(std::string_view v);
  /// A boolean as a list element (no field header to carry it).
  void WriteBoolElement(bool v) { WriteByte(v ? 1 : 2); }

  // Field helpers: header and value in one call.
  void I32Field(int16_t id, int32_t v) {
    FieldHeader(id, CompactType::kI32);
    WriteI32(v);
  }
  void I64Field(int16_t id, int64_t v) {
    FieldHeader(id, CompactType::kI64);
    WriteI64(v);
  }
  void BinaryField(int16_t id, std::string_view v) {
    FieldHeader(id, CompactType::kBinary);
    WriteBinary(v);
  }

  const std::string& data() const { return out_; }
  std::string Release() { return std::move(out_); }

  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  void WriteVarint(uint64_t v);

 private:
  std::string out_;
  std::vector<int16_t> last_field_;
};

}  // namespace basin::parquet
