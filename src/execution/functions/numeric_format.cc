// to_char(number, format) with PostgreSQL's numeric template patterns: 9 0 . D , G S MI PL SG PR FM EEEE,
// "quoted text" and other characters copied as written. Integers and NUMERIC format their exact decimal
// text (NUMERIC rounded half away from zero to the pattern's fraction digits); DOUBLE keeps at most 15
// significant digits, as PostgreSQL's float8 to_char.

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

#include "execution/functions/datetime_internal.h"
#include "execution/functions/function_internal.h"

namespace basin {

using namespace function_internal;

namespace {

enum class SignMode { kDefault, kLeadingS, kTrailingS, kMinus, kPlus, kSignAlways, kBrackets };

/// A parsed numeric template.
struct NumFormat {
  enum class Kind { kLiteral, kDigit9, kDigit0, kPoint, kGroup, kSign, kEEEE };
  struct Token {
    Kind kind;
    std::string text;  // kLiteral: the text; kSign: "S", "MI", "PL", "SG", "PR"
  };
  std::vector<Token> tokens;
  bool fill_mode = false;  // FM: no padding blanks, no trailing zeros from 9s
  bool eeee = false;
  SignMode sign = SignMode::kDefault;
  int pre = 0;         // digit positions before the decimal point
  int post = 0;        // after it
  int zero_start = 0;  // first integer position padded with zeros (pre when none)
  int frac_keep = 0;   // FM: fraction digits always shown (up to the last 0)
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); i++) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

NumFormat ParseNumFormat(std::string_view f) {
  NumFormat fmt;
  fmt.zero_start = -1;
  bool after_point = false;
  auto add = [&](NumFormat::Kind kind, std::string text = "") {
    fmt.tokens.push_back({kind, std::move(text)});
  };
  for (size_t i = 0; i < f.size();) {
    std::string_view rest = f.substr(i);
    const char c = f[i];
    if (fmt.sign == SignMode::kBrackets && (c == '9' || c == '0' || c == '.' || c == 'D' || c == 'd')) {
      throw DataError(sqlstate::kSyntaxError, std::string("\"") + c + "\" must be ahead of \"PR\"");
    }
    if (StartsWithNoCase(rest, "RN") || c == 'V' || c == 'v') {
      throw NotImplementedError(std::string("to_char: the \"") + (c == 'V' || c == 'v' ? "V" : "RN") +
                                "\" pattern is not supported");
    }
    if (c == '9' || c == '0') {
      add(c == '9' ? NumFormat::Kind::kDigit9 : NumFormat::Kind::kDigit0);
      if (after_point) {
        fmt.post++;
        if (c == '0') fmt.frac_keep = fmt.post;
      } else {
        if (c == '0' && fmt.zero_start < 0) fmt.zero_start = fmt.pre;
        fmt.pre++;
      }
      i++;
    } else if (c == '.' || c == 'D' || c == 'd') {
      if (after_point) throw DataError(sqlstate::kSyntaxError, "multiple decimal points");
      after_point = true;
      add(NumFormat::Kind::kPoint);
      i++;
    } else if (c == ',' || c == 'G' || c == 'g') {
      add(NumFormat::Kind::kGroup);
      i++;
    } else if (StartsWithNoCase(rest, "FM")) {
      fmt.fill_mode = true;
      i += 2;
    } else if (StartsWithNoCase(rest, "EEEE")) {
      fmt.eeee = true;
      add(NumFormat::Kind::kEEEE);
      i += 4;
    } else if (StartsWithNoCase(rest, "MI") || StartsWithNoCase(rest, "PL") || StartsWithNoCase(rest, "SG") ||
               StartsWithNoCase(rest, "PR")) {
      std::string s = {static_cast<char>(std::toupper(c)), static_cast<char>(std::toupper(f[i + 1]))};
      if (fmt.sign != SignMode::kDefault)
        throw DataError(sqlstate::kSyntaxError, "cannot use \"" + s + "\" twice");
      fmt.sign = s == "MI"   ? SignMode::kMinus
                 : s == "PL" ? SignMode::kPlus
                 : s == "SG" ? SignMode::kSignAlways
                             : SignMode::kBrackets;
      add(NumFormat::Kind::kSign, s);
      i += 2;
    } else if (c == 'S' || c == 's') {
      if (fmt.sign != SignMode::kDefault) throw DataError(sqlstate::kSyntaxError, "cannot use \"S\" twice");
      fmt.sign = fmt.pre + fmt.post == 0 ? SignMode::kLeadingS : SignMode::kTrailingS;
      add(NumFormat::Kind::kSign, "S");
      i++;
    } else if (c == '"') {
      size_t end = f.find('"', i + 1);
      if (end == std::string_view::npos) end = f.size();
      add(NumFormat::Kind::kLiteral, std::string(f.substr(i + 1, end - i - 1)));
      i = end + 1;
    } else {
      add(NumFormat::Kind::kLiteral, std::string(1, c));
      i++;
    }
  }
  if (fmt.zero_start < 0) fmt.zero_start = fmt.pre;
  if (fmt.eeee && (fmt.sign != SignMode::kDefault || fmt.fill_mode)) {
    throw DataError(sqlstate::kSyntaxError, "\"EEEE\" is incompatible with other formats");
  }
  return fmt;
}

/// A number ready for a template: its sign, integer digits without leading zeros ("" for zero) and exactly
/// `post` fraction digits (fewer for floats: those beyond are not shown).
struct Digits {
  bool negative = false;
  std::string integer;
  std::string fraction;
};

/// Split exact decimal text ("-1234.5678") and round it half away from zero to `post` fraction digits.
Digits FromDecimalText(std::string_view text, int post) {
  Digits d;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) d.negative = text[i++] == '-';
  size_t point = text.find('.', i);
  std::string integer(text.substr(i, point == std::string_view::npos ? std::string_view::npos : point - i));
  std::string fraction(point == std::string_view::npos ? "" : text.substr(point + 1));
  bool round_up = static_cast<int>(fraction.size()) > post && fraction[post] >= '5';
  fraction.resize(post, '0');
  if (round_up) {
    std::string all = integer + fraction;
    int k = static_cast<int>(all.size()) - 1;
    while (k >= 0 && all[k] == '9') all[k--] = '0';
    if (k >= 0) {
      all[k]++;
    } else {
      all.insert(all.begin(), '1');
    }
    integer = all.substr(0, all.size() - post);
    fraction = all.substr(all.size() - post);
  }
  size_t nz = integer.find_first_not_of('0');
  integer = nz == std::string::npos ? "" : integer.substr(nz);
  if (integer.empty() && fraction.find_first_not_of('0') == std::string::npos) d.negative = false;
  d.integer = std::move(integer);
  d.fraction = std::move(fraction);
  return d;
}

/// PostgreSQL's float8 (float4) to_char: no more than DBL_DIG, 15 (FLT_DIG, 6) digits before and after the
/// point; the fraction digits beyond are not shown at all.
Digits FromDouble(double v, int post, int max_digits) {
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%.0f", std::fabs(v));
  const int pre_len = static_cast<int>(std::string_view(buf).size());
  int shown = post;
  if (pre_len >= max_digits) {
    shown = 0;
  } else if (pre_len + post > max_digits) {
    shown = max_digits - pre_len;
  }
  std::snprintf(buf, sizeof(buf), "%.*f", shown, v);
  Digits d = FromDecimalText(buf, shown);
  d.negative = std::signbit(v) && v != 0;
  return d;
}

std::string SignPrefix(const NumFormat& fmt, bool negative) {
  switch (fmt.sign) {
    case SignMode::kDefault:
    case SignMode::kPlus:  // PL adds a trailing + to positive numbers, negative ones keep their -
      return negative ? "-" : (fmt.fill_mode ? "" : " ");
    case SignMode::kLeadingS:
      return negative ? "-" : "+";
    case SignMode::kBrackets:
      return negative ? "<" : (fmt.fill_mode ? "" : " ");
    default:
      return "";
  }
}

std::string FormatScientific(const NumFormat& fmt, double v) {
  if (std::isnan(v) || std::isinf(v)) {
    std::string out = fmt.fill_mode ? "" : " ";
    out += "#";
    if (fmt.post > 0) out += "." + std::string(fmt.post, '#');
    return out + "####";
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*e", fmt.post, std::fabs(v));
  bool negative = std::signbit(v) && v != 0;
  std::string out;
  for (auto& t : fmt.tokens) {
    if (t.kind == NumFormat::Kind::kLiteral) {
      out += t.text;
    } else if (t.kind == NumFormat::Kind::kEEEE) {
      out += SignPrefix(fmt, negative) + buf;
    }
  }
  return out;
}

/// EEEE of exact decimal text: the mantissa rounded half away from zero to the pattern's fraction digits.
/// A mantissa that rounds up to 10 keeps its exponent (99.995 as 9.99EEEE is 10.00e+01), as PostgreSQL.
std::string FormatScientificDecimal(const NumFormat& fmt, std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  std::string digits;
  int int_digits = 0;
  bool in_fraction = false;
  for (char c : text) {
    if (c == '.') in_fraction = true;
    if (c < '0' || c > '9') continue;
    digits += c;
    if (!in_fraction) int_digits++;
  }
  size_t first = digits.find_first_not_of('0');
  int exponent = 0;
  std::string mantissa(static_cast<size_t>(fmt.post) + 1, '0');
  if (first == std::string::npos) {
    negative = false;
  } else {
    exponent = int_digits - 1 - static_cast<int>(first);
    std::string sig = digits.substr(first);
    bool round_up = sig.size() > mantissa.size() && sig[mantissa.size()] >= '5';
    sig.resize(mantissa.size(), '0');
    mantissa = sig;
    if (round_up) {
      int k = static_cast<int>(mantissa.size()) - 1;
      while (k >= 0 && mantissa[k] == '9') mantissa[k--] = '0';
      if (k >= 0) {
        mantissa[k]++;
      } else {
        mantissa.insert(mantissa.begin(), '1');
      }
    }
  }
  const size_t units = mantissa.size() - static_cast<size_t>(fmt.post);
  std::string number = mantissa.substr(0, units);
  if (fmt.post > 0) number += "." + mantissa.substr(units);
  char exp[16];
  std::snprintf(exp, sizeof(exp), "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  std::string out;
  for (auto& t : fmt.tokens) {
    if (t.kind == NumFormat::Kind::kLiteral) {
      out += t.text;
    } else if (t.kind == NumFormat::Kind::kEEEE) {
      out += SignPrefix(fmt, negative) + number + exp;
    }
  }
  return out;
}

std::string FormatNumber(const NumFormat& fmt, const Digits& d) {
  const int len = static_cast<int>(d.integer.size());
  const bool overflow = len > fmt.pre || fmt.pre == 0;  // with no integer digit even 0 overflows
  // The first integer position printed: where the digits or the zero padding begin. A zero with no
  // fraction is printed as "0"; one with a fraction shows only the fraction, unless zero-padded.
  int started = std::min(fmt.zero_start, fmt.pre - len);
  if (len == 0 && fmt.post == 0 && fmt.pre > 0) started = std::min(started, fmt.pre - 1);
  // FM: fraction digits shown, trailing zeros of 9 positions dropped.
  const int post = static_cast<int>(d.fraction.size());
  int frac_shown = post;
  if (fmt.fill_mode) {
    while (frac_shown > fmt.frac_keep && d.fraction[frac_shown - 1] == '0') frac_shown--;
  }
  std::string out;
  int ipos = 0, fpos = 0;
  bool after_point = false, sign_written = false;
  int digits_left = fmt.pre + fmt.post;
  auto write_sign = [&] {
    if (sign_written) return;
    out += SignPrefix(fmt, d.negative);
    sign_written = true;
  };
  auto end_number = [&] {
    if (fmt.sign == SignMode::kBrackets) out += d.negative ? ">" : (fmt.fill_mode ? "" : " ");
  };
  for (auto& t : fmt.tokens) {
    switch (t.kind) {
      case NumFormat::Kind::kLiteral:
        out += t.text;
        break;
      case NumFormat::Kind::kDigit9:
      case NumFormat::Kind::kDigit0:
        digits_left--;
        if (after_point) {
          if (overflow && fpos < post) {
            out += '#';
          } else if (!overflow && fpos < frac_shown) {
            out += d.fraction[fpos];
          }
          fpos++;
        } else {
          if (overflow) {
            if (ipos == 0) write_sign();
            out += '#';
          } else if (ipos < started) {
            if (!fmt.fill_mode) out += ' ';
          } else {
            write_sign();
            int k = ipos - (fmt.pre - len);
            out += k >= 0 ? d.integer[k] : '0';
          }
          ipos++;
        }
        if (digits_left == 0) end_number();
        break;
      case NumFormat::Kind::kPoint:
        after_point = true;
        if (!overflow && started >= fmt.pre) {
          // No integer digit printed: FM shows a zero with no fraction left as "0.".
          write_sign();
          if (fmt.fill_mode && frac_shown == 0) out += '0';
        }
        write_sign();
        if (post > 0 || overflow) out += '.';  // a point with no fraction digit after it is not shown
        if (digits_left == 0) end_number();
        break;
      case NumFormat::Kind::kGroup:
        if (overflow || (ipos > started && !after_point) || after_point) {
          out += ',';
        } else if (!fmt.fill_mode) {
          out += ' ';
        }
        break;
      case NumFormat::Kind::kSign:
        if (fmt.sign == SignMode::kTrailingS) {
          out += d.negative ? '-' : '+';
        } else if (fmt.sign == SignMode::kMinus) {
          if (d.negative) {
            out += '-';
          } else if (!fmt.fill_mode) {
            out += ' ';
          }
        } else if (fmt.sign == SignMode::kPlus) {
          if (!d.negative) {
            out += '+';
          } else if (!fmt.fill_mode) {
            out += ' ';
          }
        } else if (fmt.sign == SignMode::kSignAlways) {
          out += d.negative ? '-' : '+';
        }
        break;
      case NumFormat::Kind::kEEEE:
        break;
    }
  }
  if (!sign_written && fmt.sign != SignMode::kMinus && fmt.sign != SignMode::kSignAlways &&
      fmt.sign != SignMode::kTrailingS) {
    out.insert(0, SignPrefix(fmt, d.negative));
  }
  return out;
}

class NumFormatCache {
 public:
  const NumFormat& Get(string_t fmt) {
    if (!valid_ || fmt.view() != text_) {
      text_ = fmt.str();
      format_ = ParseNumFormat(text_);
      valid_ = true;
    }
    return format_;
  }

 private:
  bool valid_ = false;
  std::string text_;
  NumFormat format_;
};

/// to_char of the exact decimal text of an integer or NUMERIC (the bind casts the number to text). EEEE of
/// an INTEGER goes through float8, as PostgreSQL's int4 (9999999 is 1.00e+07, as BIGINT 10.00e+06).
template <bool kExactScientific>
void ToCharDecimalKernel(DataChunk& args, FunctionContext&, Vector& result) {
  NumFormatCache formats;
  Arg<string_t> value(args.column(0)), fmt(args.column(1));
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    const NumFormat& f = formats.Get(fmt[i]);
    std::string text = value[i].str();
    if (f.eeee) {
      if constexpr (kExactScientific) return result.AddString(FormatScientificDecimal(f, text));
      return result.AddString(FormatScientific(f, std::strtod(text.c_str(), nullptr)));
    }
    return result.AddString(FormatNumber(f, FromDecimalText(text, f.post)));
  });
}

template <class T>
void ToCharFloatKernel(DataChunk& args, FunctionContext&, Vector& result) {
  NumFormatCache formats;
  Arg<T> value(args.column(0));
  Arg<string_t> fmt(args.column(1));
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    const NumFormat& f = formats.Get(fmt[i]);
    double v = static_cast<double>(value[i]);
    if (f.eeee) return result.AddString(FormatScientific(f, v));
    if (std::isnan(v) || std::isinf(v)) {
      Digits overflowing;
      overflowing.integer.assign(static_cast<size_t>(f.pre) + 1, '9');
      overflowing.fraction.assign(static_cast<size_t>(f.post), '0');
      return result.AddString(FormatNumber(f, overflowing));
    }
    const int max_digits = std::is_same_v<T, float> ? FLT_DIG : DBL_DIG;
    return result.AddString(FormatNumber(f, FromDouble(v, f.post, max_digits)));
  });
}

std::unique_ptr<FunctionData> BindNumberAsText(std::vector<ExprPtr>& args, LogicalType&) {
  CastArgument(args, 0, TypeId::kVarchar);
  return nullptr;
}

}  // namespace

void RegisterNumericFormatFunctions(FunctionRegistry& r) {
  const TypeId V = TypeId::kVarchar;
  r.AddScalar(MakeScalar("to_char", {TypeId::kInteger, V}, V, ToCharDecimalKernel<false>, BindNumberAsText));
  r.AddScalar(MakeScalar("to_char", {TypeId::kBigInt, V}, V, ToCharDecimalKernel<true>, BindNumberAsText));
  r.AddScalar(MakeScalar("to_char", {AnyDecimal(), V}, V, ToCharDecimalKernel<true>, BindNumberAsText));
  r.AddScalar(MakeScalar("to_char", {TypeId::kDouble, V}, V, ToCharFloatKernel<double>));
  r.AddScalar(MakeScalar("to_char", {TypeId::kReal, V}, V, ToCharFloatKernel<float>));
}

}  // namespace basin
