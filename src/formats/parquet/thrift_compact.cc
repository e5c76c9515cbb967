#include "formats/parquet/thrift_compact.h"

#include <cstring>

#include "common/exception.h"

namespace basin::parquet {

void CompactReader::Fail(const std::string& what) const {
  throw DataError(sqlstate::kBadCopyFileFormat, "corrupt Parquet metadata in " + file_ + ": " + what);
}

uint8_t CompactReader::ReadRawByte() {
  if (pos_ >= size_) Fail("unexpected end of metadata");
  return data_[pos_++];
}

uint64_t CompactReader::ReadVarint() {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    const uint8_t b = ReadRawByte();
    if (shift == 63 && (b & 0x7e)) Fail("varint overflows 64 bits");
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return result;
  }
  Fail("varint longer than 10 bytes");
}

static int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

void CompactReader::BeginStruct() {
  if (last_field_.size() >= static_cast<size_t>(kMaxDepth)) Fail("structs nested too deeply");
  last_field_.push_back(0);
}

void CompactReader::EndStruct() {
  if (!last_field_.empty()) last_field_.pop_back();
}

bool CompactReader::NextField(int16_t& id, CompactType& type) {
  if (last_field_.empty()) Fail("field outside a struct");
  const uint8_t header = ReadRawByte();
  if (header == 0) return false;
  const uint8_t t = header & 0x0f;
  if (t > static_cast<uint8_t>(CompactType::kStruct)) Fail("unknown field type " + std::to_string(t));
  type = static_cast<CompactType>(t);
  const uint8_t delta = header >> 4;
  if (delta != 0) {
    id = static_cast<int16_t>(last_field_.back() + delta);
  } else {
    const int64_t v = UnZigZag(ReadVarint());
    if (v < INT16_MIN || v > INT16_MAX) Fail("field id out of range");
    id = static_cast<int16_t>(v);
  }
  last_field_.back() = id;
  if (type == CompactType::kBooleanTrue || type == CompactType::kBooleanFalse)
    pending_bool_ = type == CompactType::kBooleanTrue ? 1 : 0;
  return true;
}

void CompactReader::ReadListHeader(CompactType& element_type, uint32_t& size) {
  const uint8_t header = ReadRawByte();
  const uint8_t t = header & 0x0f;
  if (t == 0 || t > static_cast<uint8_t>(CompactType::kStruct)) Fail("unknown list element type");
  element_type = static_cast<CompactType>(t);
  uint64_t n = header >> 4;
  if (n == 15) n = ReadVarint();
  // Every element takes at least one byte, so a count beyond the bytes left is corrupt.
  if (n > size_ - pos_) Fail("list of " + std::to_string(n) + " elements exceeds the metadata size");
  size = static_cast<uint32_t>(n);
}

bool CompactReader::ReadBool() {
  if (pending_bool_ >= 0) {
    const bool v = pending_bool_ == 1;
    pending_bool_ = -1;
    return v;
  }
  // A list element: 1 is true, 0 or 2 false.
  return ReadRawByte() == 1;
}

int8_t CompactReader::ReadByte() {
  return static_cast<int8_t>(ReadRawByte());
}

int16_t CompactReader::ReadI16() {
  const int64_t v = UnZigZag(ReadVarint());
  if (v < INT16_MIN || v > INT16_MAX) Fail("i16 out of range");
  return static_cast<int16_t>(v);
}

int32_t CompactReader::ReadI32() {
  const int64_t v = UnZigZag(ReadVarint());
  if (v < INT32_MIN || v > INT32_MAX) Fail("i32 out of range");
  return static_cast<int32_t>(v);
}

int64_t CompactReader::ReadI64() {
  return UnZigZag(ReadVarint());
}

double CompactReader::ReadDouble() {
  if (size_ - pos_ < 8) Fail("unexpected end of metadata");
  double v;
  std::memcpy(&v, data_ + pos_, 8);
  pos_ += 8;
  return v;
}

std::string CompactReader::ReadBinary() {
  const uint64_t n = ReadVarint();
  if (n > size_ - pos_) Fail("string of " + std::to_string(n) + " bytes exceeds the metadata size");
  std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
  pos_ += n;
  return s;
}

void CompactReader::Skip(CompactType type) {
  switch (type) {
    case CompactType::kBooleanTrue:
    case CompactType::kBooleanFalse:
      ReadBool();
      return;
    case CompactType::kByte:
      ReadRawByte();
      return;
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64:
      ReadVarint();
      return;
    case CompactType::kDouble:
      ReadDouble();
      return;
    case CompactType::kBinary:
      ReadBinary();
      return;
    case CompactType::kList:
    case CompactType::kSet: {
      CompactType element;
      uint32_t n;
      ReadListHeader(element, n);
      if (last_field_.size() >= static_cast<size_t>(kMaxDepth)) Fail("values nested too deeply");
      last_field_.push_back(0);  // depth accounting only
      for (uint32_t i = 0; i < n; ++i) {
        if (element == CompactType::kBooleanTrue || element == CompactType::kBooleanFalse)
          ReadRawByte();
        else
          Skip(element);
      }
      last_field_.pop_back();
      return;
    }
    case CompactType::kMap: {
      const uint64_t n = ReadVarint();
      if (n == 0) return;
      if (n > size_ - pos_) Fail("map size exceeds the metadata size");
      const uint8_t types = ReadRawByte();
      const auto key = static_cast<CompactType>(types >> 4);
      const auto value = static_cast<CompactType>(types & 0x0f);
      if ((types >> 4) == 0 || (types >> 4) > 12 || (types & 0x0f) == 0 || (types & 0x0f) > 12)
        Fail("unknown map element type");
      if (last_field_.size() >= static_cast<size_t>(kMaxDepth)) Fail("values nested too deeply");
      last_field_.push_back(0);
      for (uint64_t i = 0; i < n; ++i) {
        key == CompactType::kBooleanTrue || key == CompactType::kBooleanFalse ? (void)ReadRawByte()
                                                                              : Skip(key);
        value == CompactType::kBooleanTrue || value == CompactType::kBooleanFalse ? (void)ReadRawByte()
                                                                                  : Skip(value);
      }
      last_field_.pop_back();
      return;
    }
    case CompactType::kStruct: {
      BeginStruct();
      int16_t id;
      CompactType t;
      while (NextField(id, t)) Skip(t);
      EndStruct();
      return;
    }
    case CompactType::kStop:
      break;
  }
  Fail("cannot skip a value of type " + std::to_string(static_cast<int>(type)));
}

void CompactWriter::EndStruct() {
  out_.push_back(0);
  last_field_.pop_back();
}

void CompactWriter::FieldHeader(int16_t id, CompactType type) {
  const int delta = id - last_field_.back();
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    WriteI16(id);
  }
  last_field_.back() = id;
}

void CompactWriter::WriteBoolField(int16_t id, bool value) {
  FieldHeader(id, value ? CompactType::kBooleanTrue : CompactType::kBooleanFalse);
}

void CompactWriter::ListHeader(CompactType element_type, uint32_t size) {
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<uint32_t>(element_type)));
  } else {
    out_.push_back(static_cast<char>(0xf0 | static_cast<int>(element_type)));
    WriteVarint(size);
  }
}

void CompactWriter::WriteVarint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void CompactWriter::WriteDouble(double v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out_.append(b, 8);
}

void CompactWriter::WriteBinary(std::string_view v) {
  WriteVarint(v.size());
  out_.append(v.data(), v.size());
}

}  // namespace basin::parquet
