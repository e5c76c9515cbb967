#include "cli/utf8.h"

namespace basin::cli {
namespace {

// Column width of one code point, a small stand-in for wcwidth() that does not depend on the locale
// (the shell runs fine under LANG=C, where wcwidth() would call every non-ASCII character unprintable).
int CodePointWidth(int32_t cp) {
  if (cp < 0) return 1;
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F)) {
    return 0;  // combining marks, zero-width spaces, variation selectors
  }
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t pos = 0; pos < text.size();) width += CodePointWidth(DecodeUtf8(text, &pos));
  return width;
}

std::string TruncateToWidth(std::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  // Keep whole characters that fit in width - 1 columns, then the one-column ellipsis.
  size_t used = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t next = pos;
    const int w = CodePointWidth(DecodeUtf8(text, &next));
    if (used + w > width - 1) break;
    used += w;
    pos = next;
  }
  return std::string(text.substr(0, pos)) + "\xE2\x80\xA6";
}

}  // namespace basin::cli
