#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace basin {

/// MD5 (RFC 1321), for md5() and sqllogictest's "N values hashing to <md5>" lines; not for security.
class Md5 {
 public:
  Md5();

  /// Feed more bytes.
  void Update(std::string_view data);

  /// Finish and return the digest as 32 lowercase hex digits. Call once.
  std::string HexDigest();

 private:
  void Transform(const uint8_t* block);

  std::array<uint32_t, 4> state_;
  std::array<uint8_t, 64> buffer_{};
  uint64_t length_ = 0;  // bytes fed so far
};

/// Return the MD5 of `data` as 32 lowercase hex digits.
std::string Md5Hex(std::string_view data);

}  // namespace basin
