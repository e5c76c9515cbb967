// Less common text functions: ascii, chr, initcap, translate, md5, to_hex.

#include <array>
#include <cstring>
#include <string>

#include "execution/functions/function_internal.h"
#include "execution/functions/string_internal.h"

namespace basin {

using namespace function_internal;  // NOLINT

namespace {

/// Decode the UTF-8 character at the start of s (s non-empty).
uint32_t DecodeChar(std::string_view s) {
  auto b = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) & 0x3F : 0u; };
  auto c = static_cast<unsigned char>(s[0]);
  if (c < 0x80) return c;
  if (c < 0xE0) return ((c & 0x1F) << 6) | b(1);
  if (c < 0xF0) return ((c & 0x0F) << 12) | (b(1) << 6) | b(2);
  return ((c & 0x07) << 18) | (b(1) << 12) | (b(2) << 6) | b(3);
}

void AppendChar(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void AsciiKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<string_t, int32_t>(args.column(0), result, args.size(), [](string_t s) {
    return s.size() == 0 ? 0 : static_cast<int32_t>(DecodeChar(s.view()));
  });
}

void ChrKernel(DataChunk& args, FunctionContext&, Vector& result) {
  std::string out;
  UnaryExecute<int32_t, string_t>(args.column(0), result, args.size(), [&](int32_t cp) {
    if (cp == 0) throw DataError(sqlstate::kProgramLimitExceeded, "null character not permitted");
    if (cp < 0) throw DataError(sqlstate::kInvalidParameterValue, "character number must be positive");
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      throw DataError(sqlstate::kProgramLimitExceeded, "requested character too large for encoding: " +
                                                           std::to_string(cp));
    }
    out.clear();
    AppendChar(out, static_cast<uint32_t>(cp));
    return result.AddString(out);
  });
}

/// initcap: upper-case the first letter of each run of letters and digits, lower-case the rest (ASCII).
void InitcapKernel(DataChunk& args, FunctionContext&, Vector& result) {
  std::string out;
  UnaryExecute<string_t, string_t>(args.column(0), result, args.size(), [&](string_t s) {
    out.assign(s.data(), s.size());
    bool in_word = false;
    for (char& c : out) {
      bool alnum = std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) >= 0x80);
      if (c >= 0 && std::isalpha(static_cast<unsigned char>(c))) {
        c = static_cast<char>(in_word ? std::tolower(c) : std::toupper(c));
      }
      in_word = alnum;
    }
    return result.AddString(out);
  });
}

/// translate(s, from, to): each character of `from` becomes the one at the same place in `to`, or is
/// dropped when `to` is shorter.
void TranslateKernel(DataChunk& args, FunctionContext&, Vector& result) {
  Arg<string_t> s(args.column(0)), from(args.column(1)), to(args.column(2));
  std::string out;
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    std::string_view v = s[i].view(), f = from[i].view(), t = to[i].view();
    out.clear();
    for (size_t p = 0; p < v.size();) {
      size_t n = CharBytes(v[p]);
      std::string_view ch = v.substr(p, n);
      p += n;
      int64_t index = -1, k = 0;
      for (size_t q = 0; q < f.size(); k++) {
        size_t m = CharBytes(f[q]);
        if (f.substr(q, m) == ch) {
          index = k;
          break;
        }
        q += m;
      }
      if (index < 0) {
        out.append(ch);
      } else if (size_t b = ByteOffset(t, index); b < t.size()) {
        out.append(t.substr(b, CharBytes(t[b])));
      }
    }
    return result.AddString(out);
  });
}

/// MD5 (RFC 1321).
std::array<uint8_t, 16> Md5(std::string_view input) {
  static constexpr uint32_t kK[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
      0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
      0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
      0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
      0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
      0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
      0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
  static constexpr int kS[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  std::string msg(input);
  uint64_t bit_length = static_cast<uint64_t>(input.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 0; i < 8; i++) msg.push_back(static_cast<char>(bit_length >> (8 * i)));
  uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  for (size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    uint32_t w[16];
    for (int i = 0; i < 16; i++) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + chunk + 4 * i);
      w[i] = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; i++) {
      uint32_t f;
      int g;
      if (i < 16) {
        f = (b & c) | (~b & d), g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d, g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d), g = (7 * i) % 16;
      }
      uint32_t rotate = a + f + kK[i] + w[g];
      a = d;
      d = c;
      c = b;
      b = b + ((rotate << kS[i]) | (rotate >> (32 - kS[i])));
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
  }
  std::array<uint8_t, 16> digest;
  for (int i = 0; i < 16; i++) digest[i] = static_cast<uint8_t>(h[i / 4] >> (8 * (i % 4)));
  return digest;
}

void Md5Kernel(DataChunk& args, FunctionContext&, Vector& result) {
  static constexpr char kHex[] = "0123456789abcdef";
  UnaryExecute<string_t, string_t>(args.column(0), result, args.size(), [&](string_t s) {
    char out[32];
    auto digest = Md5(s.view());
    for (int i = 0; i < 16; i++) {
      out[2 * i] = kHex[digest[i] >> 4];
      out[2 * i + 1] = kHex[digest[i] & 15];
    }
    return result.AddString(std::string_view(out, 32));
  });
}

/// to_hex of the two's complement bits, as PostgreSQL (to_hex(-1) is ffffffff for an integer).
template <class T>
void ToHexKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<T, string_t>(args.column(0), result, args.size(), [&](T v) {
    using U = std::make_unsigned_t<T>;
    U u = static_cast<U>(v);
    char buf[20];
    char* p = buf + sizeof(buf);
    do {
      *--p = "0123456789abcdef"[u & 15];
      u >>= 4;
    } while (u != 0);
    return result.AddString(std::string_view(p, buf + sizeof(buf) - p));
  });
}

}  // namespace

void RegisterStringExtraFunctions(FunctionRegistry& r) {
  const TypeId V = TypeId::kVarchar, I = TypeId::kInteger;
  r.AddScalar(MakeScalar("ascii", {V}, I, AsciiKernel));
  r.AddScalar(MakeScalar("chr", {I}, V, ChrKernel));
  r.AddScalar(MakeScalar("initcap", {V}, V, InitcapKernel));
  r.AddScalar(MakeScalar("translate", {V, V, V}, V, TranslateKernel));
  r.AddScalar(MakeScalar("md5", {V}, V, Md5Kernel));
  r.AddScalar(MakeScalar("md5", {TypeId::kBlob}, V, Md5Kernel));
  r.AddScalar(MakeScalar("to_hex", {I}, V, ToHexKernel<int32_t>));
  r.AddScalar(MakeScalar("to_hex", {TypeId::kBigInt}, V, ToHexKernel<int64_t>));
}

}  // namespace basin
