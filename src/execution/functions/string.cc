// Text functions, PostgreSQL semantics, counting characters as UTF-8 code points. Results that are a piece
// of an input string point into the input's heap (kept alive with AddHeapReference) instead of copying.

#include <algorithm>
#include <cstring>
#include <string>

#include "execution/functions/function_internal.h"
#include "execution/functions/string_internal.h"

namespace basin {

using namespace function_internal;  // NOLINT

namespace {

using Text = Arg<string_t>;
const TypeId V = TypeId::kVarchar, I = TypeId::kInteger, B = TypeId::kBoolean;

/// Characters [from, to) of s (0-based, clamped).
std::string_view CharRange(std::string_view s, int64_t from, int64_t to) {
  if (to <= from) return {};
  size_t b = ByteOffset(s, from);
  return s.substr(b, ByteOffset(s.substr(b), to - from));
}

void LengthKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<string_t, int32_t>(args.column(0), result, args.size(),
                                  [](string_t s) { return static_cast<int32_t>(CharCount(s.view())); });
}

void OctetLengthKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<string_t, int32_t>(args.column(0), result, args.size(),
                                  [](string_t s) { return static_cast<int32_t>(s.size()); });
}

template <bool kUpper>
void CaseKernel(DataChunk& args, FunctionContext&, Vector& result) {
  std::string buffer;
  UnaryExecute<string_t, string_t>(args.column(0), result, args.size(), [&](string_t s) {
    buffer.assign(s.data(), s.size());
    for (char& c : buffer) {
      if (kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!kUpper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return result.AddString(buffer);
  });
}

/// substring(s, start [, count]): characters start .. start+count-1 (1-based) that exist.
void SubstringKernel(DataChunk& args, FunctionContext&, Vector& result) {
  result.AddHeapReference(args.column(0));
  Text s(args.column(0));
  Arg<int64_t> start(args.column(1));
  bool has_count = args.ColumnCount() > 2;
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    int64_t from = start[i];
    int64_t to = INT64_MAX;
    if (has_count) {
      int64_t count = Arg<int64_t>(args.column(2))[i];
      if (count < 0) throw DataError("22011", "negative substring length not allowed");
      if (__builtin_add_overflow(from, count, &to)) to = INT64_MAX;
    }
    return string_t(CharRange(s[i].view(), std::max<int64_t>(from, 1) - 1, to - 1));
  });
}

/// strpos(s, sub): 1-based character position of the first occurrence, 0 when absent.
int32_t StrPos(std::string_view s, std::string_view sub) {
  size_t pos = s.find(sub);
  return pos == std::string_view::npos ? 0 : static_cast<int32_t>(CharCount(s.substr(0, pos)) + 1);
}

void StrposKernel(DataChunk& args, FunctionContext&, Vector& result) {
  BinaryExecute<string_t, string_t, int32_t>(
      args.column(0), args.column(1), result, args.size(),
      [](string_t s, string_t sub) { return StrPos(s.view(), sub.view()); });
}

void PositionKernel(DataChunk& args, FunctionContext&, Vector& result) {  // position(sub IN s)
  BinaryExecute<string_t, string_t, int32_t>(
      args.column(0), args.column(1), result, args.size(),
      [](string_t sub, string_t s) { return StrPos(s.view(), sub.view()); });
}

void ReplaceKernel(DataChunk& args, FunctionContext&, Vector& result) {
  Text s(args.column(0)), from(args.column(1)), to(args.column(2));
  std::string out;
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    std::string_view text = s[i].view(), f = from[i].view(), t = to[i].view();
    if (f.empty()) return result.AddString(text);
    out.clear();
    size_t pos = 0;
    for (size_t hit; (hit = text.find(f, pos)) != std::string_view::npos; pos = hit + f.size()) {
      out.append(text.substr(pos, hit - pos)).append(t);
    }
    out.append(text.substr(pos));
    return result.AddString(out);
  });
}

/// varchar(s, n, is_explicit): PostgreSQL's length coercion for VARCHAR(n), which the binder applies on
/// casts (explicit: truncate to n characters) and on stores into a column (an error, 22001, unless only
/// spaces are cut).
void VarcharLengthKernel(DataChunk& args, FunctionContext&, Vector& result) {
  Text s(args.column(0));
  Arg<int32_t> length(args.column(1));
  Arg<uint8_t> is_explicit(args.column(2));
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    std::string_view text = s[i].view();
    const size_t cut = ByteOffset(text, length[i]);
    if (cut == text.size()) return s[i];
    if (!is_explicit[i] && text.find_first_not_of(' ', cut) != std::string_view::npos) {
      throw DataError(sqlstate::kStringDataRightTruncation,
                      "value too long for type character varying(" + std::to_string(length[i]) + ")");
    }
    return result.AddString(text.substr(0, cut));
  });
  result.AddHeapReference(args.column(0));
}

void ReverseKernel(DataChunk& args, FunctionContext&, Vector& result) {
  std::string out;
  UnaryExecute<string_t, string_t>(args.column(0), result, args.size(), [&](string_t s) {
    std::string_view v = s.view();
    out.clear();
    for (size_t end = v.size(); end > 0;) {
      size_t begin = end - 1;
      while (begin > 0 && (static_cast<unsigned char>(v[begin]) & 0xC0) == 0x80) begin--;
      out.append(v.substr(begin, end - begin));
      end = begin;
    }
    return result.AddString(out);
  });
}

/// left(s, n) and right(s, n); a negative n drops |n| characters from the other end.
template <bool kLeft>
void LeftRightKernel(DataChunk& args, FunctionContext&, Vector& result) {
  result.AddHeapReference(args.column(0));
  Text s(args.column(0));
  Arg<int32_t> n(args.column(1));
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    std::string_view v = s[i].view();
    int64_t len = CharCount(v), k = n[i];
    int64_t keep = k >= 0 ? std::min(k, len) : std::max<int64_t>(0, len + k);
    return string_t(kLeft ? CharRange(v, 0, keep) : CharRange(v, len - keep, len));
  });
}

/// lpad/rpad(s, length [, fill]): truncate or fill to `length` characters.
template <bool kLeft>
void PadKernel(DataChunk& args, FunctionContext&, Vector& result) {
  Text s(args.column(0));
  Arg<int32_t> length(args.column(1));
  std::string out;
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    std::string_view v = s[i].view();
    std::string_view fill = args.ColumnCount() > 2 ? Text(args.column(2))[i].view() : std::string_view(" ");
    int64_t target = std::max(0, length[i]), len = CharCount(v);
    if (target <= len || fill.empty()) return result.AddString(CharRange(v, 0, std::min(target, len)));
    if (target > (1 << 28)) throw DataError(sqlstate::kProgramLimitExceeded, "requested length too large");
    std::string padding;
    int64_t fill_chars = CharCount(fill), need = target - len;
    for (; need >= fill_chars; need -= fill_chars) padding.append(fill);
    padding.append(CharRange(fill, 0, need));
    out = kLeft ? padding + std::string(v) : std::string(v) + padding;
    return result.AddString(out);
  });
}

/// ltrim/rtrim/btrim(s [, characters]): strip any of the characters (default space) from the ends.
template <bool kLeading, bool kTrailing>
void TrimKernel(DataChunk& args, FunctionContext&, Vector& result) {
  result.AddHeapReference(args.column(0));
  Text s(args.column(0));
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    std::string_view v = s[i].view();
    std::string_view set = args.ColumnCount() > 1 ? Text(args.column(1))[i].view() : std::string_view(" ");
    auto in_set = [&](std::string_view ch) {
      for (size_t p = 0; p < set.size();) {
        size_t n = CharBytes(set[p]);
        if (set.substr(p, n) == ch) return true;
        p += n;
      }
      return false;
    };
    while (kLeading && !v.empty() && in_set(v.substr(0, CharBytes(v[0])))) v.remove_prefix(CharBytes(v[0]));
    while (kTrailing && !v.empty()) {
      size_t b = v.size() - 1;
      while (b > 0 && (static_cast<unsigned char>(v[b]) & 0xC0) == 0x80) b--;
      if (!in_set(v.substr(b))) break;
      v = v.substr(0, b);
    }
    return string_t(v);
  });
}

/// concat(...) and concat_ws(sep, ...): NULL arguments are skipped (a NULL separator gives NULL).
template <bool kWithSeparator>
void ConcatKernel(DataChunk& args, FunctionContext&, Vector& result) {
  size_t n = BeginRows(args, result);
  string_t* out = result.data<string_t>();
  std::string buffer;
  for (size_t i = 0; i < n; i++) {
    buffer.clear();
    size_t first = kWithSeparator ? 1 : 0;
    if (kWithSeparator && args.column(0).IsNull(i)) {
      SetNullRow(result, i);
      continue;
    }
    bool any = false;
    for (size_t c = first; c < args.ColumnCount(); c++) {
      if (args.column(c).IsNull(i)) continue;
      if (kWithSeparator && any) buffer.append(Text(args.column(0))[i].view());
      buffer.append(Text(args.column(c))[i].view());
      any = true;
    }
    out[i] = result.AddString(buffer);
  }
}

std::unique_ptr<FunctionData> BindAllText(std::vector<ExprPtr>& args, LogicalType& return_type) {
  for (size_t i = 0; i < args.size(); i++) CastArgument(args, i, TypeId::kVarchar);
  return_type = TypeId::kVarchar;
  return nullptr;
}

/// split_part(s, delimiter, n): the n-th field (negative n counts from the end).
void SplitPartKernel(DataChunk& args, FunctionContext&, Vector& result) {
  result.AddHeapReference(args.column(0));
  Text s(args.column(0)), delim(args.column(1));
  Arg<int32_t> field(args.column(2));
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    std::string_view v = s[i].view(), d = delim[i].view();
    int64_t k = field[i];
    if (k == 0) throw DataError(sqlstate::kInvalidParameterValue, "field position must not be zero");
    std::vector<std::string_view> parts;
    if (d.empty()) {
      parts.push_back(v);
    } else {
      size_t pos = 0;
      for (size_t hit; (hit = v.find(d, pos)) != std::string_view::npos; pos = hit + d.size()) {
        parts.push_back(v.substr(pos, hit - pos));
      }
      parts.push_back(v.substr(pos));
    }
    int64_t index = k > 0 ? k - 1 : static_cast<int64_t>(parts.size()) + k;
    if (index < 0 || index >= static_cast<int64_t>(parts.size())) return string_t();
    return string_t(parts[index]);
  });
}

void RepeatKernel(DataChunk& args, FunctionContext&, Vector& result) {
  Text s(args.column(0));
  Arg<int32_t> count(args.column(1));
  std::string out;
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    std::string_view v = s[i].view();
    int64_t k = std::max(0, count[i]);
    if (static_cast<int64_t>(v.size()) * k > (int64_t{1} << 30)) {
      throw DataError(sqlstate::kProgramLimitExceeded, "requested length too large");
    }
    out.clear();
    for (int64_t r = 0; r < k; r++) out.append(v);
    return result.AddString(out);
  });
}

template <int kWhere>  // 0 starts_with, 1 ends_with, 2 contains
void MatchKernel(DataChunk& args, FunctionContext&, Vector& result) {
  BinaryExecute<string_t, string_t, uint8_t>(args.column(0), args.column(1), result, args.size(),
                                             [](string_t a, string_t b) -> uint8_t {
                                               std::string_view s = a.view(), p = b.view();
                                               if constexpr (kWhere == 0) return s.starts_with(p);
                                               if constexpr (kWhere == 1) return s.ends_with(p);
                                               return s.find(p) != std::string_view::npos;
                                             });
}

}  // namespace

size_t CharCount(std::string_view s) {
  // Characters are the bytes that are not UTF-8 continuation bytes (10xxxxxx), counted 8 at a time.
  size_t continuations = 0, i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    // One bit per continuation byte, at the byte's bottom; the multiply sums the bytes into the top one.
    const uint64_t ones = (w >> 7) & ~(w >> 6) & 0x0101010101010101ULL;
    continuations += static_cast<size_t>((ones * 0x0101010101010101ULL) >> 56);
  }
  if (i < s.size() && s.size() >= 8) {
    // The last 1-7 bytes: the final 8 bytes again, counting only those not yet counted.
    uint64_t w;
    std::memcpy(&w, s.data() + s.size() - 8, 8);
    const uint64_t ones = ((w >> 7) & ~(w >> 6) & 0x0101010101010101ULL) >> (8 * (8 - (s.size() - i)));
    return s.size() - continuations - static_cast<size_t>((ones * 0x0101010101010101ULL) >> 56);
  }
  for (; i < s.size(); i++) continuations += (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
  return s.size() - continuations;
}

size_t ByteOffset(std::string_view s, int64_t chars) {
  size_t p = 0;
  for (; chars > 0 && p < s.size(); chars--) p += CharBytes(s[p]);
  return std::min(p, s.size());
}

void RegisterStringFunctions(FunctionRegistry& r) {
  for (const char* name : {"length", "char_length", "character_length"}) {
    r.AddScalar(MakeScalar(name, {V}, I, LengthKernel));
  }
  r.AddScalar(MakeScalar("length", {TypeId::kBlob}, I, OctetLengthKernel));
  r.AddScalar(MakeScalar("octet_length", {V}, I, OctetLengthKernel));
  r.AddScalar(MakeScalar("octet_length", {TypeId::kBlob}, I, OctetLengthKernel));
  r.AddScalar(MakeScalar("varchar", {V, I, B}, V, VarcharLengthKernel));
  r.AddScalar(MakeScalar("lower", {V}, V, CaseKernel<false>));
  r.AddScalar(MakeScalar("upper", {V}, V, CaseKernel<true>));
  r.AddScalar(MakeScalar("substring", {V, TypeId::kBigInt}, V, SubstringKernel));
  r.AddScalar(MakeScalar("substring", {V, TypeId::kBigInt, TypeId::kBigInt}, V, SubstringKernel));
  r.AddAlias("substr", "substring");
  r.AddScalar(MakeScalar("strpos", {V, V}, I, StrposKernel));
  r.AddScalar(MakeScalar("position", {V, V}, I, PositionKernel));
  r.AddScalar(MakeScalar("replace", {V, V, V}, V, ReplaceKernel));
  r.AddScalar(MakeScalar("reverse", {V}, V, ReverseKernel));
  r.AddScalar(MakeScalar("left", {V, I}, V, LeftRightKernel<true>));
  r.AddScalar(MakeScalar("right", {V, I}, V, LeftRightKernel<false>));
  r.AddScalar(MakeScalar("lpad", {V, I}, V, PadKernel<true>));
  r.AddScalar(MakeScalar("lpad", {V, I, V}, V, PadKernel<true>));
  r.AddScalar(MakeScalar("rpad", {V, I}, V, PadKernel<false>));
  r.AddScalar(MakeScalar("rpad", {V, I, V}, V, PadKernel<false>));
  for (size_t n : {1, 2}) {
    std::vector<LogicalType> types(n, V);
    r.AddScalar(MakeScalar("ltrim", types, V, TrimKernel<true, false>));
    r.AddScalar(MakeScalar("rtrim", types, V, TrimKernel<false, true>));
    r.AddScalar(MakeScalar("btrim", types, V, TrimKernel<true, true>));
    r.AddScalar(MakeScalar("trim", types, V, TrimKernel<true, true>));
  }
  ScalarFunction concat = MakeScalar("concat", {}, V, ConcatKernel<false>, BindAllText);
  concat.has_varargs = true;
  concat.varargs = TypeId::kInvalid;
  concat.propagates_nulls = false;
  r.AddScalar(concat);
  ScalarFunction concat_ws = MakeScalar("concat_ws", {V}, V, ConcatKernel<true>, BindAllText);
  concat_ws.has_varargs = true;
  concat_ws.varargs = TypeId::kInvalid;
  concat_ws.propagates_nulls = false;
  r.AddScalar(concat_ws);
  r.AddScalar(MakeScalar("split_part", {V, V, I}, V, SplitPartKernel));
  r.AddScalar(MakeScalar("repeat", {V, I}, V, RepeatKernel));
  r.AddScalar(MakeScalar("starts_with", {V, V}, B, MatchKernel<0>));
  r.AddScalar(MakeScalar("ends_with", {V, V}, B, MatchKernel<1>));
  r.AddScalar(MakeScalar("contains", {V, V}, B, MatchKernel<2>));
  r.AddAlias("^@", "starts_with");
  RegisterStringExtraFunctions(r);
  RegisterPatternFunctions(r);
}

}  // namespace basin
