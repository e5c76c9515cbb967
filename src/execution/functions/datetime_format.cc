// to_char(timestamp, format), to_date(text, format) and to_timestamp(text, format) with PostgreSQL's
// template patterns (YYYY, MM, Mon, Month, DD, Dy, Day, HH24, HH12, MI, SS, MS, US, AM, Q, WW, IW, ...),
// the FM prefix, the TH suffix and "quoted text".

#include <array>
#include <string>
#include <vector>

#include "execution/functions/datetime_internal.h"
#include "execution/functions/function_internal.h"

namespace basin {

using namespace function_internal;  // NOLINT

namespace {

enum class Pat {
  kHH24,
  kHH12,
  kHH,
  kMI,
  kSSSS,
  kSS,
  kMS,
  kUS,
  kAM,
  kPM,
  kAMDot,
  kPMDot,
  kYYYY,
  kYYY,
  kYY,
  kY,
  kIYYY,
  kIW,
  kMM,
  kMonth,
  kMon,
  kDay,
  kDy,
  kDDD,
  kDD,
  kID,
  kD,
  kQ,
  kWW,
  kW,
  kJ,
  kCC,
  kTZ,
  kOF,
  kLiteral
};

struct PatternName {
  const char* text;
  Pat pat;
};

// Longest names first, so that "HH24" wins over "HH" and "DDD" over "DD".
constexpr PatternName kPatterns[] = {
    {"HH24", Pat::kHH24},  {"HH12", Pat::kHH12},  {"HH", Pat::kHH},       {"MI", Pat::kMI},
    {"SSSS", Pat::kSSSS},  {"SS", Pat::kSS},      {"MS", Pat::kMS},       {"US", Pat::kUS},
    {"A.M.", Pat::kAMDot}, {"P.M.", Pat::kPMDot}, {"AM", Pat::kAM},       {"PM", Pat::kPM},
    {"YYYY", Pat::kYYYY},  {"YYY", Pat::kYYY},    {"YY", Pat::kYY},       {"Y", Pat::kY},
    {"IYYY", Pat::kIYYY},  {"IW", Pat::kIW},      {"MONTH", Pat::kMonth}, {"MON", Pat::kMon},
    {"MM", Pat::kMM},      {"DAY", Pat::kDay},    {"DY", Pat::kDy},       {"DDD", Pat::kDDD},
    {"DD", Pat::kDD},      {"ID", Pat::kID},      {"D", Pat::kD},         {"Q", Pat::kQ},
    {"WW", Pat::kWW},      {"W", Pat::kW},        {"J", Pat::kJ},         {"CC", Pat::kCC},
    {"TZ", Pat::kTZ},      {"OF", Pat::kOF},
};

enum class Case { kUpper, kCapital, kLower };

struct Token {
  Pat pat;
  std::string literal;     // kLiteral
  bool fill_mode = false;  // FM: no padding
  bool ordinal = false;    // TH/th suffix
  bool ordinal_upper = false;
  Case letter_case = Case::kUpper;
};

bool StartsWithNoCase(std::string_view s, std::string_view upper) {
  if (s.size() < upper.size()) return false;
  for (size_t i = 0; i < upper.size(); i++) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != upper[i]) return false;
  }
  return true;
}

std::vector<Token> Tokenize(std::string_view fmt) {
  std::vector<Token> tokens;
  auto literal = [&](std::string_view text) {
    if (tokens.empty() || tokens.back().pat != Pat::kLiteral) tokens.push_back({Pat::kLiteral});
    tokens.back().literal.append(text);
  };
  for (size_t i = 0; i < fmt.size();) {
    if (fmt[i] == '"') {
      size_t end = fmt.find('"', i + 1);
      if (end == std::string_view::npos) end = fmt.size();
      tokens.push_back({Pat::kLiteral, std::string(fmt.substr(i + 1, end - i - 1))});
      tokens.push_back({Pat::kLiteral});  // keep the quoted text apart from what follows
      i = end + 1;
      continue;
    }
    if (fmt[i] == '\\' && i + 1 < fmt.size()) {
      literal(fmt.substr(i + 1, 1));
      i += 2;
      continue;
    }
    bool fm = StartsWithNoCase(fmt.substr(i), "FM");
    size_t start = fm ? i + 2 : i;
    const PatternName* match = nullptr;
    for (const auto& p : kPatterns) {
      if (StartsWithNoCase(fmt.substr(start), p.text)) {
        match = &p;
        break;
      }
    }
    if (!match) {
      literal(fmt.substr(i, 1));
      i++;
      continue;
    }
    Token t{match->pat};
    t.fill_mode = fm;
    std::string_view name = fmt.substr(start, std::string_view(match->text).size());
    bool first_upper = std::isupper(static_cast<unsigned char>(name[0]));
    bool second_upper = name.size() > 1 && std::isupper(static_cast<unsigned char>(name[1]));
    t.letter_case = !first_upper                         ? Case::kLower
                    : (name.size() > 1 && !second_upper) ? Case::kCapital
                                                         : Case::kUpper;
    i = start + name.size();
    if (StartsWithNoCase(fmt.substr(i), "TH")) {
      t.ordinal = true;
      t.ordinal_upper = fmt[i] == 'T';
      i += 2;
    }
    tokens.push_back(std::move(t));
  }
  return tokens;
}

constexpr std::array<const char*, 12> kMonths = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
constexpr std::array<const char*, 7> kDays = {"sunday",   "monday", "tuesday", "wednesday",
                                              "thursday", "friday", "saturday"};

std::string ApplyCase(std::string word, Case c) {
  for (size_t i = 0; i < word.size(); i++) {
    bool upper = c == Case::kUpper || (c == Case::kCapital && i == 0);
    word[i] = static_cast<char>(upper ? std::toupper(word[i]) : std::tolower(word[i]));
  }
  return word;
}

std::string Ordinal(int64_t n, bool upper) {
  int64_t last2 = n % 100, last = n % 10;
  const char* s = (last2 >= 11 && last2 <= 13) ? "th"
                  : last == 1                  ? "st"
                  : last == 2                  ? "nd"
                  : last == 3                  ? "rd"
                                               : "th";
  return upper ? ApplyCase(s, Case::kUpper) : s;
}

std::string Number(int64_t v, int width, const Token& t) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (!t.fill_mode && static_cast<int>(digits.size()) < width) digits.insert(0, width - digits.size(), '0');
  if (v < 0) digits.insert(0, "-");
  if (t.ordinal) digits += Ordinal(v, t.ordinal_upper);
  return digits;
}

std::string Word(const char* word, size_t abbreviate, const Token& t) {
  std::string w = abbreviate ? std::string(word, abbreviate) : std::string(word);
  w = ApplyCase(w, t.letter_case);
  if (!abbreviate && !t.fill_mode && w.size() < 9) w.append(9 - w.size(), ' ');  // PostgreSQL pads to 9
  return w;
}

std::string FormatTimestamp(int64_t ts, const std::vector<Token>& tokens, bool with_zone) {
  CivilTime c = CivilTime::FromTimestamp(ts);
  int32_t year = c.year > 0 ? c.year : 1 - c.year;  // BC years print as positive numbers
  int32_t iso_year, iso_week;
  c.IsoWeek(iso_year, iso_week);
  int32_t hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
  int32_t dow = date::IsoDayOfWeek(c.days) % 7;
  std::string out;
  for (const Token& t : tokens) {
    switch (t.pat) {
      case Pat::kLiteral:
        out += t.literal;
        break;
      case Pat::kHH24:
        out += Number(c.hour, 2, t);
        break;
      case Pat::kHH12:
      case Pat::kHH:
        out += Number(hour12, 2, t);
        break;
      case Pat::kMI:
        out += Number(c.minute, 2, t);
        break;
      case Pat::kSS:
        out += Number(c.second, 2, t);
        break;
      case Pat::kSSSS:
        out += Number(c.hour * 3600 + c.minute * 60 + c.second, 0, t);
        break;
      case Pat::kMS:
        out += Number(c.micros / 1000, 3, t);
        break;
      case Pat::kUS:
        out += Number(c.micros, 6, t);
        break;
      case Pat::kAM:
      case Pat::kPM:
        out += ApplyCase(c.hour < 12 ? "am" : "pm", t.letter_case);
        break;
      case Pat::kAMDot:
      case Pat::kPMDot:
        out += ApplyCase(c.hour < 12 ? "a.m." : "p.m.", t.letter_case);
        break;
      case Pat::kYYYY:
        out += Number(year, 4, t);
        break;
      case Pat::kYYY:
        out += Number(year % 1000, 3, t);
        break;
      case Pat::kYY:
        out += Number(year % 100, 2, t);
        break;
      case Pat::kY:
        out += Number(year % 10, 1, t);
        break;
      case Pat::kIYYY:
        out += Number(iso_year, 4, t);
        break;
      case Pat::kIW:
        out += Number(iso_week, 2, t);
        break;
      case Pat::kMM:
        out += Number(c.month, 2, t);
        break;
      case Pat::kMonth:
        out += Word(kMonths[c.month - 1], 0, t);
        break;
      case Pat::kMon:
        out += Word(kMonths[c.month - 1], 3, t);
        break;
      case Pat::kDay:
        out += Word(kDays[dow], 0, t);
        break;
      case Pat::kDy:
        out += Word(kDays[dow], 3, t);
        break;
      case Pat::kDDD:
        out += Number(c.DayOfYear(), 3, t);
        break;
      case Pat::kDD:
        out += Number(c.day, 2, t);
        break;
      case Pat::kID:
        out += Number(date::IsoDayOfWeek(c.days), 1, t);
        break;
      case Pat::kD:
        out += Number(dow + 1, 1, t);
        break;
      case Pat::kQ:
        out += Number((c.month - 1) / 3 + 1, 1, t);
        break;
      case Pat::kWW:
        out += Number((c.DayOfYear() - 1) / 7 + 1, 2, t);
        break;
      case Pat::kW:
        out += Number((c.day - 1) / 7 + 1, 1, t);
        break;
      case Pat::kJ:
        out += Number(c.days + 2440588, 0, t);
        break;
      case Pat::kCC:
        out += Number(c.year > 0 ? (c.year + 99) / 100 : -((99 - (c.year - 1)) / 100), 2, t);
        break;
      case Pat::kTZ:
        out += with_zone ? ApplyCase("utc", t.letter_case) : "";
        break;
      case Pat::kOF:
        out += with_zone ? "+00" : "";
        break;
    }
  }
  return out;
}

/// Tokenized format of each row, re-tokenized only when the text changes.
class FormatCache {
 public:
  const std::vector<Token>& Get(string_t fmt) {
    if (!valid_ || fmt.view() != text_) {
      text_ = fmt.str();
      tokens_ = Tokenize(text_);
      valid_ = true;
    }
    return tokens_;
  }

 private:
  bool valid_ = false;
  std::string text_;
  std::vector<Token> tokens_;
};

template <class T, bool kWithZone>
void ToCharKernel(DataChunk& args, FunctionContext&, Vector& result) {
  FormatCache formats;
  Arg<T> value(args.column(0));
  Arg<string_t> fmt(args.column(1));
  ExecuteRowsNullable<string_t>(args, result, [&](size_t i, string_t& out) {
    int64_t ts;
    if constexpr (std::is_same_v<T, int32_t>) {
      if (value[i] == date::kInfinity || value[i] == date::kNegativeInfinity) return false;
      ts = static_cast<int64_t>(value[i]) * kMicrosPerDay;
    } else {
      ts = value[i];
    }
    if (ts == timestamp::kInfinity || ts == timestamp::kNegativeInfinity)
      return false;  // as PostgreSQL: NULL
    out = result.AddString(FormatTimestamp(ts, formats.Get(fmt[i]), kWithZone));
    return true;
  });
}

// ---- parsing --------------------------------------------------------------------------------------------

[[noreturn]] void ThrowParse(std::string_view text, std::string_view why) {
  throw DataError(sqlstate::kInvalidDatetimeFormat,
                  "invalid value \"" + std::string(text) + "\" for \"" + std::string(why) + "\"");
}

int64_t ReadNumber(std::string_view text, size_t& pos, int max_digits, std::string_view what) {
  bool negative = pos < text.size() && text[pos] == '-';
  if (negative) pos++;
  size_t start = pos;
  int64_t v = 0;
  while (pos < text.size() && pos - start < static_cast<size_t>(max_digits) &&
         std::isdigit(static_cast<unsigned char>(text[pos]))) {
    v = v * 10 + (text[pos++] - '0');
  }
  if (pos == start) ThrowParse(text.substr(start), what);
  return negative ? -v : v;
}

int ReadName(std::string_view text, size_t& pos, const char* const* names, size_t count, bool abbreviated) {
  for (size_t k = 0; k < count; k++) {
    std::string_view name = names[k];
    if (abbreviated) name = name.substr(0, 3);
    std::string upper = ApplyCase(std::string(name), Case::kUpper);
    if (StartsWithNoCase(text.substr(pos), upper)) {
      pos += name.size();
      return static_cast<int>(k);
    }
  }
  ThrowParse(text.substr(pos), abbreviated ? "MON" : "MONTH");
}

/// Parse `text` by the format into a timestamp (to_timestamp) or its date (to_date).
int64_t ParseByFormat(std::string_view text, const std::vector<Token>& tokens) {
  int64_t year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0, doy = 0;
  bool pm = false, twelve_hour = false;
  size_t pos = 0;
  auto skip_spaces = [&] {
    while (pos < text.size() && text[pos] == ' ') pos++;
  };
  for (size_t k = 0; k < tokens.size(); k++) {
    const Token& t = tokens[k];
    // Numbers run to their nominal width when the next field follows without a separator ("YYYYMMDD").
    bool packed = k + 1 < tokens.size() && tokens[k + 1].pat != Pat::kLiteral;
    int wide = packed ? 4 : 9;
    if (t.pat == Pat::kLiteral) {
      for (char c : t.literal) {
        if (c == ' ') {
          skip_spaces();
        } else if (pos < text.size() && !std::isalnum(static_cast<unsigned char>(text[pos]))) {
          pos++;  // any separator matches any separator, as PostgreSQL outside FX mode
        } else if (pos < text.size() && text[pos] == c) {
          pos++;
        }
      }
      continue;
    }
    skip_spaces();
    switch (t.pat) {
      case Pat::kYYYY:
      case Pat::kIYYY:
        year = ReadNumber(text, pos, wide, "YYYY");
        break;
      case Pat::kYYY:
        year = 2000 + ReadNumber(text, pos, 3, "YYY");
        break;
      case Pat::kYY: {
        int64_t y = ReadNumber(text, pos, 2, "YY");
        year = y < 70 ? 2000 + y : 1900 + y;  // PostgreSQL's nearest-to-2020 rule
        break;
      }
      case Pat::kY:
        year = 2000 + ReadNumber(text, pos, 1, "Y");
        break;
      case Pat::kMM:
        month = ReadNumber(text, pos, 2, "MM");
        break;
      case Pat::kMonth:
        month = ReadName(text, pos, kMonths.data(), kMonths.size(), false) + 1;
        break;
      case Pat::kMon:
        month = ReadName(text, pos, kMonths.data(), kMonths.size(), true) + 1;
        break;
      case Pat::kDay:
        ReadName(text, pos, kDays.data(), kDays.size(), false);
        break;
      case Pat::kDy:
        ReadName(text, pos, kDays.data(), kDays.size(), true);
        break;
      case Pat::kDD:
        day = ReadNumber(text, pos, 2, "DD");
        break;
      case Pat::kDDD:
        doy = ReadNumber(text, pos, 3, "DDD");
        break;
      case Pat::kHH24:
        hour = ReadNumber(text, pos, 2, "HH24");
        break;
      case Pat::kHH12:
      case Pat::kHH:
        hour = ReadNumber(text, pos, 2, "HH12"), twelve_hour = true;
        break;
      case Pat::kMI:
        minute = ReadNumber(text, pos, 2, "MI");
        break;
      case Pat::kSS:
        second = ReadNumber(text, pos, 2, "SS");
        break;
      case Pat::kMS: {
        size_t start = pos;
        int64_t v = ReadNumber(text, pos, 3, "MS");
        for (size_t k = pos - start; k < 3; k++) v *= 10;
        micros = v * 1000;
        break;
      }
      case Pat::kUS: {
        size_t start = pos;
        int64_t v = ReadNumber(text, pos, 6, "US");
        for (size_t k = pos - start; k < 6; k++) v *= 10;
        micros = v;
        break;
      }
      case Pat::kAM:
      case Pat::kPM:
      case Pat::kAMDot:
      case Pat::kPMDot: {
        std::string_view rest = text.substr(pos);
        bool dots = t.pat == Pat::kAMDot || t.pat == Pat::kPMDot;
        if (StartsWithNoCase(rest, dots ? "P.M." : "PM")) {
          pm = true;
        } else if (!StartsWithNoCase(rest, dots ? "A.M." : "AM")) {
          ThrowParse(rest, "AM");
        }
        pos += dots ? 4 : 2;
        twelve_hour = true;
        break;
      }
      case Pat::kJ: {
        int64_t j = ReadNumber(text, pos, packed ? 7 : 9, "J") - 2440588;
        int32_t y, m, d;
        date::ToCivil(static_cast<int32_t>(j), y, m, d);
        year = y, month = m, day = d;
        break;
      }
      default:
        ReadNumber(text, pos, 9, "field");
        break;  // parsed but unused (Q, WW, ...)
    }
    if (t.ordinal) pos = std::min(text.size(), pos + 2);
  }
  if (twelve_hour) {
    if (hour < 1 || hour > 12) {
      throw DataError(sqlstate::kInvalidDatetimeFormat,
                      "hour \"" + std::to_string(hour) + "\" is invalid for the 12-hour clock");
    }
    hour = hour % 12 + (pm ? 12 : 0);
  }
  if (year <= 0) year += 1;  // year 0 is 1 BC internally; a parsed "-44" means 44 BC
  int32_t days;
  if (doy > 0) {
    days = date::FromCivil(static_cast<int32_t>(year), 1, 1) + static_cast<int32_t>(doy) - 1;
  } else {
    if (!date::IsValid(static_cast<int32_t>(year), static_cast<int32_t>(month), static_cast<int32_t>(day))) {
      throw DataError(sqlstate::kDatetimeFieldOverflow,
                      "date/time field value out of range: \"" + std::string(text) + "\"");
    }
    days =
        date::FromCivil(static_cast<int32_t>(year), static_cast<int32_t>(month), static_cast<int32_t>(day));
  }
  if (hour > 24 || minute > 59 || second > 60) {
    throw DataError(sqlstate::kDatetimeFieldOverflow,
                    "date/time field value out of range: \"" + std::string(text) + "\"");
  }
  return timestamp::FromParts(
      days, hour * kMicrosPerHour + minute * kMicrosPerMinute + second * kMicrosPerSecond + micros);
}

template <bool kDate>
void ParseFormatKernel(DataChunk& args, FunctionContext&, Vector& result) {
  FormatCache formats;
  Arg<string_t> text(args.column(0)), fmt(args.column(1));
  if constexpr (kDate) {
    ExecuteRows<int32_t>(args, result, [&](size_t i) {
      int64_t ts = ParseByFormat(text[i].view(), formats.Get(fmt[i]));
      int32_t days;
      int64_t time;
      timestamp::ToParts(ts, days, time);
      return days;
    });
  } else {
    ExecuteRows<int64_t>(args, result,
                         [&](size_t i) { return ParseByFormat(text[i].view(), formats.Get(fmt[i])); });
  }
}

}  // namespace

void RegisterDateTimeFormatFunctions(FunctionRegistry& r) {
  const TypeId V = TypeId::kVarchar;
  r.AddScalar(MakeScalar("to_char", {TypeId::kTimestamp, V}, V, ToCharKernel<int64_t, false>));
  r.AddScalar(MakeScalar("to_char", {TypeId::kTimestampTz, V}, V, ToCharKernel<int64_t, true>));
  r.AddScalar(MakeScalar("to_char", {TypeId::kDate, V}, V, ToCharKernel<int32_t, false>));
  r.AddScalar(MakeScalar("to_date", {V, V}, TypeId::kDate, ParseFormatKernel<true>));
  r.AddScalar(MakeScalar("to_timestamp", {V, V}, TypeId::kTimestampTz, ParseFormatKernel<false>));
}

}  // namespace basin
