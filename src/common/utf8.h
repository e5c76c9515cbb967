#pragma once

// UTF-8 decoding and encoding, for output that must be valid UTF-8 whatever bytes the data holds (JSON
// results) and for terminal widths.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace basin {

/// Code point returned by DecodeUtf8 for a byte that does not start a valid UTF-8 sequence.
inline constexpr int32_t kInvalidCodePoint = -1;

/// Decode the code point starting at text[*pos] and advance *pos past it. Overlong forms, surrogates and
/// values above U+10FFFF are invalid: then return kInvalidCodePoint and advance by one byte.
int32_t DecodeUtf8(std::string_view text, size_t* pos);

/// Append the UTF-8 encoding of a valid code point.
void AppendUtf8(int32_t code_point, std::string* out);

}  // namespace basin
