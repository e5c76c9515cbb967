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

int32_t DecodeUtf8(std::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const size_t start = *pos;
  const uint8_t lead = byte(start);
  *pos = start + 1;
  if (lead < 0x80) return lead;
  int length;
  int32_t cp;
  int32_t min;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return kInvalidCodePoint;
  }
  if (start + length > text.size()) return kInvalidCodePoint;
  for (int i = 1; i < length; i++) {
    if ((byte(start + i) & 0xC0) != 0x80) return kInvalidCodePoint;
    cp = (cp << 6) | (byte(start + i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalidCodePoint;
  *pos = start + length;
  return cp;
}

void AppendUtf8(int32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

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
