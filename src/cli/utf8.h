#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace basin::cli {

/// Code point returned by DecodeUtf8 for a byte that does not start a valid UTF-8 sequence.
inline constexpr int32_t kInvalidCodePoint = -1;

/// Decode the code point starting at text[*pos] and advance *pos past it. Overlong forms, surrogates and
/// values above U+10FFFF are invalid: then return kInvalidCodePoint and advance by one byte.
int32_t DecodeUtf8(std::string_view text, size_t* pos);

/// Append the UTF-8 encoding of a valid code point.
void AppendUtf8(int32_t code_point, std::string* out);

/// Return how many terminal columns the text takes (wide East Asian characters count two, combining marks
/// zero, an invalid byte one).
size_t DisplayWidth(std::string_view text);

/// Cut the text to at most `width` columns, ending it with "…" when something was cut.
std::string TruncateToWidth(std::string_view text, size_t width);

}  // namespace basin::cli
