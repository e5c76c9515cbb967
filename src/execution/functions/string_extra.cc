// Less common text functions: ascii, chr, initcap, translate, md5, to_hex, string_to_array.

#include <array>
#include <cstring>
#include <string>

#include "common/md5.h"
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
      throw DataError(sqlstate::kProgramLimitExceeded,
                      "requested character too large for encoding: " + std::to_string(cp));
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

void Md5Kernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<string_t, string_t>(args.column(0), result, args.size(),
                                   [&](string_t s) { return result.AddString(Md5Hex(s.view())); });
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

/// string_to_array(text, delimiter [, null_string]): the pieces between delimiters (a NULL delimiter splits
/// into characters, an empty one gives the whole string); pieces equal to null_string become NULL.
void StringToArrayKernel(DataChunk& args, FunctionContext&, Vector& result) {
  const size_t n = BeginRows(args, result);
  for (size_t i = 0; i < n; i++) {
    const Value text = args.column(0).GetValue(i);
    if (text.IsNull()) {
      SetNullRow(result, i);
      continue;
    }
    const std::string s = text.ToString();
    const Value delimiter = args.column(1).GetValue(i);
    const Value null_string = args.ColumnCount() > 2 ? args.column(2).GetValue(i) : Value();
    std::vector<std::string> pieces;
    if (s.empty()) {
      // PostgreSQL: an empty string gives an empty array.
    } else if (delimiter.IsNull()) {
      for (size_t at = 0; at < s.size();) {
        size_t len = 1;
        while (at + len < s.size() && (static_cast<unsigned char>(s[at + len]) & 0xC0) == 0x80) len++;
        pieces.push_back(s.substr(at, len));
        at += len;
      }
    } else if (delimiter.ToString().empty()) {
      pieces.push_back(s);
    } else {
      const std::string d = delimiter.ToString();
      size_t at = 0;
      for (size_t next; (next = s.find(d, at)) != std::string::npos; at = next + d.size()) {
        pieces.push_back(s.substr(at, next - at));
      }
      pieces.push_back(s.substr(at));
    }
    std::vector<Value> values;
    for (auto& piece : pieces) {
      values.push_back(!null_string.IsNull() && piece == null_string.ToString() ? Value()
                                                                                : Value::Varchar(piece));
    }
    result.SetValue(i, Value::List(TypeId::kVarchar, std::move(values)));
  }
}

}  // namespace

void RegisterStringExtraFunctions(FunctionRegistry& r) {
  const TypeId V = TypeId::kVarchar, I = TypeId::kInteger;
  r.AddScalar(MakeScalar("ascii", {V}, I, AsciiKernel));
  r.AddScalar(MakeScalar("chr", {I}, V, ChrKernel));
  r.AddScalar(MakeScalar("initcap", {V}, V, InitcapKernel));
  r.AddScalar(MakeScalar("translate", {V, V, V}, V, TranslateKernel));
  r.AddScalar(MakeScalar("md5", {V}, V, Md5Kernel));
  for (auto args : {std::vector<LogicalType>{V, V}, std::vector<LogicalType>{V, V, V}}) {
    ScalarFunction f =
        MakeScalar("string_to_array", std::move(args), LogicalType::List(V), StringToArrayKernel);
    f.propagates_nulls = false;  // a NULL delimiter or null_string means something
    r.AddScalar(std::move(f));
  }
  r.AddScalar(MakeScalar("md5", {TypeId::kBlob}, V, Md5Kernel));
  r.AddScalar(MakeScalar("to_hex", {I}, V, ToHexKernel<int32_t>));
  r.AddScalar(MakeScalar("to_hex", {TypeId::kBigInt}, V, ToHexKernel<int64_t>));
}

}  // namespace basin
