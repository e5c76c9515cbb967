#pragma once

// UTF-8 helpers and registration entry points shared by the text function files.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "execution/function.h"

namespace basin {

/// Bytes in the UTF-8 character that starts with byte `lead` (1 for stray continuation bytes).
inline size_t CharBytes(char lead) {
  auto c = static_cast<unsigned char>(lead);
  return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}
/// Number of UTF-8 characters in s.
size_t CharCount(std::string_view s);
/// Byte offset just past the first `chars` characters of s (s.size() when it has fewer).
size_t ByteOffset(std::string_view s, int64_t chars);

/// ascii, chr, initcap, translate, md5, to_hex (string_extra.cc).
void RegisterStringExtraFunctions(FunctionRegistry& r);
/// like, ilike, similar_to, ~ and friends, regexp_replace (pattern.cc).
void RegisterPatternFunctions(FunctionRegistry& r);

}  // namespace basin
