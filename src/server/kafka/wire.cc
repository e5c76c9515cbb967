#include "server/kafka/wire.h"

namespace basin::kafka {

SharedBytes SharedBytes::Copy(std::string_view bytes) {
  auto owner = std::make_shared<std::string>(bytes);
  const auto* data = reinterpret_cast<const uint8_t*>(owner->data());
  return {std::move(owner), data, bytes.size()};
}

// ---- Reader ----

void Reader::Fail(const char* field, const std::string& problem) const {
  std::string message = context_.empty() ? std::string("Kafka frame") : context_;
  message += ": field '";
  message += field;
  message += "' at byte " + std::to_string(pos_) + " of " + std::to_string(frame_.size()) + ": " + problem;
  throw DecodeError(message);
}

void Reader::Truncated(const char* field, size_t needed) const {
  Fail(field, "needs " + std::to_string(needed) + " bytes, " + std::to_string(remaining()) + " left");
}

uint32_t Reader::UnsignedVarint(const char* field) {
  uint32_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    const uint8_t b = *Take(field, 1);
    if (shift == 28 && (b & 0xf0) != 0) Fail(field, "unsigned varint overflows 32 bits");
    v |= static_cast<uint32_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  Fail(field, "unsigned varint longer than 5 bytes");
}

int32_t Reader::Varint(const char* field) {
  const uint32_t z = UnsignedVarint(field);
  return static_cast<int32_t>((z >> 1) ^ (~(z & 1) + 1));
}

int64_t Reader::Varlong(const char* field) {
  uint64_t z = 0;
  for (int shift = 0;; shift += 7) {
    if (shift > 63) Fail(field, "varlong longer than 10 bytes");
    const uint8_t b = *Take(field, 1);
    if (shift == 63 && (b & 0x7e) != 0) Fail(field, "varlong overflows 64 bits");
    z |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
}

int64_t Reader::Length(const char* field, bool int16_length) {
  int64_t n;
  if (flexible_) {
    n = static_cast<int64_t>(UnsignedVarint(field)) - 1;
  } else if (int16_length) {
    n = static_cast<int16_t>(BigEndian<uint16_t>(field));
  } else {
    n = static_cast<int32_t>(BigEndian<uint32_t>(field));
  }
  if (n < -1) Fail(field, "negative length " + std::to_string(n));
  if (n > static_cast<int64_t>(remaining())) {
    Fail(field, "length " + std::to_string(n) + " exceeds the " + std::to_string(remaining()) + " bytes left");
  }
  return n;
}

int64_t Reader::ArrayLength(const char* field) {
  int64_t n;
  if (flexible_) {
    n = static_cast<int64_t>(UnsignedVarint(field)) - 1;
  } else {
    n = static_cast<int32_t>(BigEndian<uint32_t>(field));
  }
  if (n < -1) Fail(field, "negative array length " + std::to_string(n));
  if (n > static_cast<int64_t>(remaining())) {
    Fail(field, "array of " + std::to_string(n) + " elements cannot fit in the " + std::to_string(remaining()) +
                    " bytes left");
  }
  return n;
}

void Reader::String(const char* field, std::string& v) {
  const int64_t n = Length(field, true);
  if (n < 0) Fail(field, "null string where the field is not nullable");
  v.assign(reinterpret_cast<const char*>(Take(field, n)), n);
}

void Reader::NullableString(const char* field, std::optional<std::string>& v) {
  const int64_t n = Length(field, true);
  if (n < 0) {
    v.reset();
    return;
  }
  v.emplace(reinterpret_cast<const char*>(Take(field, n)), n);
}

void Reader::LegacyNullableString(const char* field, std::optional<std::string>& v) {
  const bool flexible = flexible_;
  flexible_ = false;
  NullableString(field, v);
  flexible_ = flexible;
}

void Reader::Bytes(const char* field, std::string& v) {
  const int64_t n = Length(field, false);
  if (n < 0) Fail(field, "null bytes where the field is not nullable");
  v.assign(reinterpret_cast<const char*>(Take(field, n)), n);
}

void Reader::Records(const char* field, kafka::Records& v) {
  const int64_t n = Length(field, false);
  if (n < 0) {
    v.reset();
    return;
  }
  const size_t at = pos_;
  Take(field, n);
  v = frame_.Slice(at, n);
}

void Reader::TaggedFields() {
  if (!flexible_) return;
  const uint32_t count = UnsignedVarint("tagged fields");
  int64_t last_tag = -1;
  for (uint32_t i = 0; i < count; ++i) {
    const int64_t tag = UnsignedVarint("tag");
    if (tag <= last_tag) Fail("tag", "tags out of order (" + std::to_string(tag) + " after " + std::to_string(last_tag) + ")");
    last_tag = tag;
    const uint32_t size = UnsignedVarint("tag size");
    Take("tagged field", size);
  }
}

void Reader::ExpectEnd() {
  if (remaining() != 0) Fail("end", std::to_string(remaining()) + " unexpected bytes after the message");
}

// ---- Writer ----

void Writer::UnsignedVarint(uint32_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void Writer::Varlong(int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out_.push_back(static_cast<char>((z & 0x7f) | 0x80));
    z >>= 7;
  }
  out_.push_back(static_cast<char>(z));
}

void Writer::Length(int64_t n, bool int16_length) {
  if (flexible_) {
    UnsignedVarint(static_cast<uint32_t>(n + 1));
  } else if (int16_length) {
    BigEndian(static_cast<uint16_t>(n));
  } else {
    BigEndian(static_cast<uint32_t>(n));
  }
}

void Writer::Text(std::string_view s) {
  Length(static_cast<int64_t>(s.size()), true);
  out_.append(s);
}

void Writer::NullableString(const char*, const std::optional<std::string>& v) {
  if (!v) {
    Length(-1, true);
    return;
  }
  Text(*v);
}

void Writer::LegacyNullableString(const char* field, const std::optional<std::string>& v) {
  const bool flexible = flexible_;
  flexible_ = false;
  NullableString(field, v);
  flexible_ = flexible;
}

void Writer::Bytes(const char*, const std::string& v) {
  Length(static_cast<int64_t>(v.size()), false);
  out_.append(v);
}

void Writer::Records(const char*, const kafka::Records& v) {
  if (!v) {
    Length(-1, false);
    return;
  }
  Length(static_cast<int64_t>(v->size()), false);
  if (v->empty()) return;
  splices_.push_back({out_.size(), *v});
  spliced_bytes_ += v->size();
}

EncodedFrame Writer::Finish() && {
  const size_t size = out_.size() + spliced_bytes_;
  const auto body = static_cast<uint32_t>(size - 4);
  for (int i = 0; i < 4; ++i) out_[i] = static_cast<char>(body >> (8 * (3 - i)));
  return EncodedFrame(std::move(out_), std::move(splices_), size);
}

std::string EncodedFrame::Flatten() const {
  std::string s;
  s.reserve(size_);
  ForEachPiece([&](const uint8_t* p, size_t n) { s.append(reinterpret_cast<const char*>(p), n); });
  return s;
}

}  // namespace basin::kafka
