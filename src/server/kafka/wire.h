#pragma once

// Kafka's wire primitives (https://kafka.apache.org/protocol#protocol_types): big-endian integers,
// (unsigned) varints and varlongs, strings, bytes and arrays in their classic (int16/int32 length) and
// compact (unsigned varint length + 1, flexible versions, KIP-482) forms, UUIDs and tagged fields.
// Reader decodes untrusted bytes, checking every length against what is left; Writer encodes a frame
// whose record sets stay where they are and are spliced in at send time.

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/exception.h"

namespace basin::kafka {

/// A frame that does not decode: the message names the field, the problem and the byte offset.
class DecodeError : public Exception {
 public:
  explicit DecodeError(const std::string& message) : Exception("08P01", message) {}
};

/// A read-only byte range that shares ownership of the buffer it lies in, so that record batches go from
/// the socket to the log, and from the log to the socket, without being copied.
class SharedBytes {
 public:
  SharedBytes() = default;
  SharedBytes(std::shared_ptr<const void> owner, const uint8_t* data, size_t size)
      : owner_(std::move(owner)), data_(data), size_(size) {}

  /// Return bytes that own a copy of `bytes` (tests, small responses).
  static SharedBytes Copy(std::string_view bytes);

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }
  /// Return `size` bytes from `offset`, sharing this range's owner.
  SharedBytes Slice(size_t offset, size_t size) const { return {owner_, data_ + offset, size}; }

  bool operator==(const SharedBytes& other) const { return view() == other.view(); }

 private:
  std::shared_ptr<const void> owner_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

/// The "records" field of Produce and Fetch: RecordBatches as raw bytes, null on the wire when absent.
using Records = std::optional<SharedBytes>;

/// A 128-bit UUID (topic ids), in wire order.
struct Uuid {
  std::array<uint8_t, 16> bytes{};
  bool operator==(const Uuid&) const = default;
};

/// Decodes one frame (a request or response without its 4-byte size prefix). Every read checks the bytes
/// left and throws DecodeError naming the field and offset; records are returned as slices of the frame.
class Reader {
 public:
  static constexpr bool kReading = true;

  explicit Reader(SharedBytes frame) : frame_(std::move(frame)) {}

  /// Set the message version being read and whether it uses the flexible encoding.
  void SetVersion(int16_t version, bool flexible) {
    version_ = version;
    flexible_ = flexible;
  }
  /// Name the message being read ("ProduceRequest v9") for error messages.
  void SetContext(std::string context) { context_ = std::move(context); }
  int16_t version() const { return version_; }
  bool flexible() const { return flexible_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return frame_.size() - pos_; }

  void Int8(const char* field, int8_t& v) { v = static_cast<int8_t>(*Take(field, 1)); }
  void Bool(const char* field, bool& v) { v = *Take(field, 1) != 0; }
  void Int16(const char* field, int16_t& v) { v = static_cast<int16_t>(BigEndian<uint16_t>(field)); }
  void Int32(const char* field, int32_t& v) { v = static_cast<int32_t>(BigEndian<uint32_t>(field)); }
  void Int64(const char* field, int64_t& v) { v = static_cast<int64_t>(BigEndian<uint64_t>(field)); }
  void Uuid(const char* field, kafka::Uuid& v) { std::memcpy(v.bytes.data(), Take(field, 16), 16); }
  /// Read an error code or other int16-valued enum.
  template <class Enum>
  void Enum16(const char* field, Enum& v) {
    int16_t raw;
    Int16(field, raw);
    v = static_cast<Enum>(raw);
  }

  uint32_t UnsignedVarint(const char* field);
  int32_t Varint(const char* field);
  int64_t Varlong(const char* field);

  /// A non-null string (compact in flexible versions).
  void String(const char* field, std::string& v);
  void NullableString(const char* field, std::optional<std::string>& v);
  /// A nullable string with an int16 length even in flexible versions (the request header's client id).
  void LegacyNullableString(const char* field, std::optional<std::string>& v);
  /// Non-null bytes, copied (group metadata and assignments: small).
  void Bytes(const char* field, std::string& v);
  /// Nullable record bytes, returned as a slice of the frame without copying.
  void Records(const char* field, kafka::Records& v);

  template <class T, class F>
  void Array(const char* field, std::vector<T>& v, F&& read_one) {
    const int64_t n = ArrayLength(field);
    if (n < 0) Fail(field, "null array where the field is not nullable");
    ReadElements(n, v, read_one);
  }
  template <class T, class F>
  void NullableArray(const char* field, std::optional<std::vector<T>>& v, F&& read_one) {
    const int64_t n = ArrayLength(field);
    if (n < 0) {
      v.reset();
      return;
    }
    v.emplace();
    ReadElements(n, *v, read_one);
  }
  void Int32Array(const char* field, std::vector<int32_t>& v) {
    Array(field, v, [&](int32_t& x) { Int32(field, x); });
  }
  void StringArray(const char* field, std::vector<std::string>& v) {
    Array(field, v, [&](std::string& x) { String(field, x); });
  }

  /// Skip the tagged fields that end every structure of a flexible version (none of the fields this
  /// server uses are tagged, so every tag is skipped).
  void TaggedFields();
  /// Fail unless the whole frame has been read.
  void ExpectEnd();

  [[noreturn]] void Fail(const char* field, const std::string& problem) const;

 private:
  const uint8_t* Take(const char* field, size_t n) {
    if (n > remaining()) Truncated(field, n);
    const uint8_t* p = frame_.data() + pos_;
    pos_ += n;
    return p;
  }
  template <class U>
  U BigEndian(const char* field) {
    const uint8_t* p = Take(field, sizeof(U));
    U v = 0;
    for (size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>((v << 8) | p[i]);
    return v;
  }
  [[noreturn]] void Truncated(const char* field, size_t needed) const;
  /// Return the element count of an array (-1 for null), checked against the bytes left.
  int64_t ArrayLength(const char* field);
  /// Return the byte length of a string or bytes field (-1 for null), checked against the bytes left.
  int64_t Length(const char* field, bool int16_length);
  template <class T, class F>
  void ReadElements(int64_t n, std::vector<T>& v, F& read_one) {
    // Each element takes at least one byte, so the count was bounded by the bytes left; grow as elements
    // arrive rather than trusting the count for an allocation.
    v.clear();
    for (int64_t i = 0; i < n; ++i) read_one(v.emplace_back());
  }

  SharedBytes frame_;
  size_t pos_ = 0;
  int16_t version_ = 0;
  bool flexible_ = false;
  std::string context_;
};

/// A frame ready for the socket: the 4-byte size prefix, header and fields in an owned buffer, with record
/// sets spliced in by reference at their offsets (scatter/gather writes send them without copying).
class EncodedFrame {
 public:
  struct Splice {
    size_t at;  ///< offset in the owned bytes before which `bytes` go
    SharedBytes bytes;
  };

  EncodedFrame() = default;
  EncodedFrame(std::string owned, std::vector<Splice> splices, size_t size)
      : owned_(std::move(owned)), splices_(std::move(splices)), size_(size) {}

  /// Total bytes on the wire, size prefix included.
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// Call fn(const uint8_t*, size_t) for each piece in wire order.
  template <class F>
  void ForEachPiece(F&& fn) const {
    size_t from = 0;
    for (const Splice& s : splices_) {
      if (s.at > from) fn(reinterpret_cast<const uint8_t*>(owned_.data()) + from, s.at - from);
      if (!s.bytes.empty()) fn(s.bytes.data(), s.bytes.size());
      from = s.at;
    }
    if (owned_.size() > from) fn(reinterpret_cast<const uint8_t*>(owned_.data()) + from, owned_.size() - from);
  }
  /// Return the frame as one string (tests).
  std::string Flatten() const;

 private:
  std::string owned_;
  std::vector<Splice> splices_;
  size_t size_ = 0;
};

/// Encodes one frame: starts with room for the size prefix, which Finish fills in.
class Writer {
 public:
  static constexpr bool kReading = false;

  Writer(int16_t version, bool flexible) : version_(version), flexible_(flexible) { out_.assign(4, '\0'); }

  void SetVersion(int16_t version, bool flexible) {
    version_ = version;
    flexible_ = flexible;
  }
  int16_t version() const { return version_; }
  bool flexible() const { return flexible_; }

  void Int8(const char*, const int8_t& v) { out_.push_back(static_cast<char>(v)); }
  void Bool(const char*, const bool& v) { out_.push_back(v ? 1 : 0); }
  void Int16(const char*, const int16_t& v) { BigEndian(static_cast<uint16_t>(v)); }
  void Int32(const char*, const int32_t& v) { BigEndian(static_cast<uint32_t>(v)); }
  void Int64(const char*, const int64_t& v) { BigEndian(static_cast<uint64_t>(v)); }
  void Uuid(const char*, const kafka::Uuid& v) { out_.append(reinterpret_cast<const char*>(v.bytes.data()), 16); }
  template <class Enum>
  void Enum16(const char* field, const Enum& v) {
    Int16(field, static_cast<int16_t>(v));
  }

  void UnsignedVarint(uint32_t v);
  void Varint(int32_t v) { UnsignedVarint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31)); }
  void Varlong(int64_t v);

  void String(const char*, const std::string& v) { Text(v); }
  void NullableString(const char*, const std::optional<std::string>& v);
  void LegacyNullableString(const char*, const std::optional<std::string>& v);
  void Bytes(const char*, const std::string& v);
  void Records(const char*, const kafka::Records& v);

  template <class T, class F>
  void Array(const char*, std::vector<T>& v, F&& write_one) {
    ArrayLength(static_cast<int64_t>(v.size()));
    for (T& e : v) write_one(e);
  }
  template <class T, class F>
  void NullableArray(const char* field, std::optional<std::vector<T>>& v, F&& write_one) {
    if (!v) {
      ArrayLength(-1);
      return;
    }
    Array(field, *v, write_one);
  }
  void Int32Array(const char*, const std::vector<int32_t>& v) {
    ArrayLength(static_cast<int64_t>(v.size()));
    for (int32_t x : v) BigEndian(static_cast<uint32_t>(x));
  }
  void StringArray(const char*, const std::vector<std::string>& v) {
    ArrayLength(static_cast<int64_t>(v.size()));
    for (const std::string& s : v) Text(s);
  }

  /// Write an empty tagged-field section (flexible versions only).
  void TaggedFields() {
    if (flexible_) out_.push_back(0);
  }

  /// Fill in the size prefix and return the frame.
  EncodedFrame Finish() &&;

 private:
  template <class U>
  void BigEndian(U v) {
    char b[sizeof(U)];
    for (size_t i = 0; i < sizeof(U); ++i) b[i] = static_cast<char>(v >> (8 * (sizeof(U) - 1 - i)));
    out_.append(b, sizeof(U));
  }
  void Text(std::string_view s);
  /// Write a length: int16 (strings) or int32 (bytes, arrays) classically, uvarint n+1 when flexible.
  void Length(int64_t n, bool int16_length);
  void ArrayLength(int64_t n) { Length(n, false); }

  std::string out_;
  std::vector<EncodedFrame::Splice> splices_;
  size_t spliced_bytes_ = 0;
  int16_t version_;
  bool flexible_;
};

}  // namespace basin::kafka
