#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/utf8.h"

namespace basin::cli {

/// Return how many terminal columns the text takes (wide East Asian characters count two, combining marks
/// zero, an invalid byte one).
size_t DisplayWidth(std::string_view text);

/// Cut the text to at most `width` columns, ending it with "…" when something was cut.
std::string TruncateToWidth(std::string_view text, size_t width);

}  // namespace basin::cli
