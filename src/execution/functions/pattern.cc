// Pattern matching: LIKE and ILIKE with a matcher of their own (no regex engine; linear except for the
// single-star backtracking), SIMILAR TO translated to RE2, the POSIX operators ~ ~* !~ !~*, regexp_replace
// and substring(text FROM pattern). Regexes compile once per statement when the pattern is a constant
// (bind time), else once per distinct pattern in a chunk.

#include <re2/re2.h>

#include <memory>
#include <string>
#include <vector>

#include "execution/functions/function_internal.h"
#include "execution/functions/string_internal.h"

namespace basin {

using namespace function_internal;  // NOLINT

namespace {

// ---- LIKE -----------------------------------------------------------------------------------------------

/// A compiled LIKE pattern. Patterns of the common shapes (abc, abc%, %abc, %abc%, %) skip the general loop.
class LikeMatcher {
 public:
  LikeMatcher(std::string_view pattern, std::string_view escape, bool case_insensitive)
      : case_insensitive_(case_insensitive) {
    if (escape.size() > 1) throw DataError("22025", "invalid escape string");
    char esc = escape.empty() ? 0 : escape[0];
    bool has_any = false;
    for (size_t i = 0; i < pattern.size(); i++) {
      char c = pattern[i];
      if (esc && c == esc) {
        if (++i >= pattern.size()) {
          throw DataError("22025", "LIKE pattern must not end with escape character");
        }
        tokens_.push_back({kLiteral, FoldIfInsensitive(pattern[i])});
      } else if (c == '%') {
        if (tokens_.empty() || tokens_.back().kind != kStar) tokens_.push_back({kStar, 0});
      } else if (c == '_') {
        tokens_.push_back({kAny, 0});
        has_any = true;
      } else {
        tokens_.push_back({kLiteral, FoldIfInsensitive(c)});
      }
    }
    if (has_any) return;
    // Without '_', classify by where the stars are.
    size_t stars = 0;
    for (auto& t : tokens_) stars += t.kind == kStar;
    bool lead = !tokens_.empty() && tokens_.front().kind == kStar;
    bool trail = !tokens_.empty() && tokens_.back().kind == kStar;
    for (auto& t : tokens_) {
      if (t.kind == kLiteral) literal_.push_back(t.c);
    }
    if (stars == 0) {
      shape_ = kExact;
    } else if (stars == 1 && tokens_.size() == 1) {
      shape_ = kAll;
    } else if (stars == 1 && trail) {
      shape_ = kPrefix;
    } else if (stars == 1 && lead) {
      shape_ = kSuffix;
    } else if (stars == 2 && lead && trail) {
      shape_ = kContains;
    } else {
      // Several stars and no '_': literal runs found left to right ('%special%requests%').
      shape_ = kSegments;
      lead_ = lead;
      trail_ = trail;
      segments_.emplace_back();
      for (auto& t : tokens_) {
        if (t.kind == kStar) {
          if (!segments_.back().empty()) segments_.emplace_back();
        } else {
          segments_.back().push_back(t.c);
        }
      }
      if (segments_.back().empty()) segments_.pop_back();
    }
  }

  bool Match(std::string_view text) const {
    if (case_insensitive_) {
      folded_.assign(text);
      for (char& c : folded_) c = Fold(c);
      text = folded_;
    }
    switch (shape_) {
      case kExact:
        return text == literal_;
      case kAll:
        return true;
      case kPrefix:
        return text.starts_with(literal_);
      case kSuffix:
        return text.ends_with(literal_);
      case kContains:
        return text.find(literal_) != std::string_view::npos;
      case kSegments:
        return MatchSegments(text);
      case kGeneral:
        break;
    }
    return MatchGeneral(text);
  }

 private:
  enum Kind : uint8_t { kLiteral, kAny, kStar };
  enum Shape : uint8_t { kGeneral, kExact, kAll, kPrefix, kSuffix, kContains, kSegments };
  struct Token {
    Kind kind;
    char c;
  };

  static char Fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
  char FoldIfInsensitive(char c) const { return case_insensitive_ ? Fold(c) : c; }

  /// Leftmost matching of each run is enough when '%' is the only wildcard: a later match of a run never
  /// leaves more room for the runs after it.
  bool MatchSegments(std::string_view text) const {
    size_t pos = 0, first = 0, last = segments_.size();
    if (!lead_) {
      if (!text.starts_with(segments_[0])) return false;
      pos = segments_[0].size();
      first = 1;
    }
    if (!trail_) last--;
    for (size_t i = first; i < last; i++) {
      size_t found = text.find(segments_[i], pos);
      if (found == std::string_view::npos) return false;
      pos = found + segments_[i].size();
    }
    if (trail_) return true;
    const std::string& tail = segments_.back();
    return text.size() >= pos + tail.size() && text.ends_with(tail);
  }

  /// Greedy match remembering only the last star: on a mismatch the last star absorbs one more character.
  /// Every token but a star matches at most one way, so this never needs deeper backtracking.
  bool MatchGeneral(std::string_view text) const {
    size_t t = 0, p = 0, star_p = SIZE_MAX, star_t = 0;
    const size_t n = text.size(), m = tokens_.size();
    while (t < n) {
      if (p < m && tokens_[p].kind == kAny) {
        t += CharBytes(text[t]);
        p++;
      } else if (p < m && tokens_[p].kind == kLiteral && tokens_[p].c == text[t]) {
        t++;
        p++;
      } else if (p < m && tokens_[p].kind == kStar) {
        star_p = p++;
        star_t = t;
      } else if (star_p != SIZE_MAX) {
        p = star_p + 1;
        star_t += CharBytes(text[star_t]);
        t = star_t;
      } else {
        return false;
      }
    }
    if (t > n) return false;  // '_' ran past a truncated character
    while (p < m && tokens_[p].kind == kStar) p++;
    return p == m;
  }

  std::vector<Token> tokens_;
  std::string literal_;
  std::vector<std::string> segments_;  // kSegments: the literal runs between stars
  bool lead_ = false;
  bool trail_ = false;
  Shape shape_ = kGeneral;
  bool case_insensitive_;
  mutable std::string folded_;
};

template <bool kCaseInsensitive>
void LikeKernel(DataChunk& args, FunctionContext&, Vector& result) {
  Arg<string_t> text(args.column(0)), pattern(args.column(1));
  bool has_escape = args.ColumnCount() > 2;
  std::unique_ptr<LikeMatcher> matcher;
  std::string matcher_pattern, matcher_escape;
  ExecuteRows<uint8_t>(args, result, [&](size_t i) -> uint8_t {
    std::string_view p = pattern[i].view();
    std::string_view esc = has_escape ? Arg<string_t>(args.column(2))[i].view() : std::string_view("\\");
    if (!matcher || p != matcher_pattern || esc != matcher_escape) {
      matcher = std::make_unique<LikeMatcher>(p, esc, kCaseInsensitive);
      matcher_pattern = p;
      matcher_escape = esc;
    }
    return matcher->Match(text[i].view());
  });
}

// ---- regular expressions --------------------------------------------------------------------------------

using RegexPtr = std::shared_ptr<const RE2>;

RegexPtr CompileRegex(std::string_view pattern, bool case_insensitive) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(true);  // as PostgreSQL's AREs: '.' matches a newline
  options.set_case_sensitive(!case_insensitive);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    throw DataError(sqlstate::kInvalidRegularExpression, "invalid regular expression: " + re->error());
  }
  return re;
}

/// SIMILAR TO's pattern as an anchored RE2 pattern (PostgreSQL's similar_escape).
std::string SimilarToRegex(std::string_view pattern, std::string_view escape) {
  if (escape.size() > 1) throw DataError("22025", "invalid escape string");
  char esc = escape.empty() ? 0 : escape[0];
  std::string out = "^(?:";
  bool in_brackets = false;
  for (size_t i = 0; i < pattern.size(); i++) {
    char c = pattern[i];
    if (esc && c == esc) {
      if (++i >= pattern.size()) throw DataError("22025", "invalid escape sequence");
      out += RE2::QuoteMeta(re2::StringPiece(&pattern[i], 1));
    } else if (in_brackets) {
      if (c == ']') in_brackets = false;
      out.push_back(c);
    } else if (c == '[') {
      in_brackets = true;
      out.push_back(c);
    } else if (c == '%') {
      out += ".*";
    } else if (c == '_') {
      out.push_back('.');
    } else if (c == '.' || c == '^' || c == '$' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else {
      out.push_back(c);
    }
  }
  return out + ")$";
}

/// The regex for each row: the bind-time one, or the last compiled one while the pattern does not change.
class RegexSource {
 public:
  RegexSource(const FunctionContext& ctx, bool case_insensitive)
      : bound_(ctx.bind_data ? static_cast<const BoundValue<RegexPtr>*>(ctx.bind_data)->value : nullptr),
        case_insensitive_(case_insensitive) {}

  const RE2& Get(std::string_view pattern, bool case_insensitive) {
    if (bound_) return *bound_;
    if (!last_ || pattern != last_pattern_ || case_insensitive != last_ci_) {
      last_ = CompileRegex(pattern, case_insensitive);
      last_pattern_ = pattern;
      last_ci_ = case_insensitive;
    }
    return *last_;
  }
  const RE2& Get(std::string_view pattern) { return Get(pattern, case_insensitive_); }

 private:
  RegexPtr bound_;
  bool case_insensitive_;
  RegexPtr last_;
  std::string last_pattern_;
  bool last_ci_ = false;
};

template <bool kCaseInsensitive, bool kNegated>
void RegexMatchKernel(DataChunk& args, FunctionContext& ctx, Vector& result) {
  RegexSource source(ctx, kCaseInsensitive);
  Arg<string_t> text(args.column(0)), pattern(args.column(1));
  ExecuteRows<uint8_t>(args, result, [&](size_t i) -> uint8_t {
    string_t s = text[i];
    bool found = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), source.Get(pattern[i].view()));
    return found != kNegated;
  });
}

template <bool kCaseInsensitive>
std::unique_ptr<FunctionData> BindRegex(std::vector<ExprPtr>& args, LogicalType& return_type) {
  if (const std::string* p = ConstantText(args, 1)) {
    return std::make_unique<BoundValue<RegexPtr>>(CompileRegex(*p, kCaseInsensitive));
  }
  return nullptr;
}

void SimilarToKernel(DataChunk& args, FunctionContext& ctx, Vector& result) {
  RegexSource source(ctx, false);
  Arg<string_t> text(args.column(0)), pattern(args.column(1));
  bool has_escape = args.ColumnCount() > 2;
  ExecuteRows<uint8_t>(args, result, [&](size_t i) -> uint8_t {
    string_t s = text[i];
    std::string_view esc = has_escape ? Arg<string_t>(args.column(2))[i].view() : std::string_view("\\");
    const RE2& re = ctx.bind_data ? source.Get("") : source.Get(SimilarToRegex(pattern[i].view(), esc));
    return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), re);
  });
}

std::unique_ptr<FunctionData> BindSimilarTo(std::vector<ExprPtr>& args, LogicalType& return_type) {
  const std::string* p = ConstantText(args, 1);
  const std::string* esc = args.size() > 2 ? ConstantText(args, 2) : nullptr;
  if (!p || (args.size() > 2 && !esc)) return nullptr;
  return std::make_unique<BoundValue<RegexPtr>>(CompileRegex(SimilarToRegex(*p, esc ? *esc : "\\"), false));
}

/// PostgreSQL's replacement text (\1..\9, \& for the whole match) in RE2's rewrite syntax (\0..\9).
std::string RewriteString(std::string_view replacement) {
  std::string out;
  for (size_t i = 0; i < replacement.size(); i++) {
    char c = replacement[i];
    if (c != '\\' || i + 1 == replacement.size()) {
      out.push_back(c);
      if (c == '\\') out.push_back('\\');
      continue;
    }
    char next = replacement[++i];
    if (next == '&') {
      out += "\\0";
    } else if (next >= '1' && next <= '9') {
      out.push_back('\\');
      out.push_back(next);
    } else if (next == '\\') {
      out += "\\\\";
    } else {
      out += "\\\\";
      out.push_back(next);
    }
  }
  return out;
}

struct RegexFlags {
  bool global = false;
  bool case_insensitive = false;
};

RegexFlags ParseFlags(std::string_view flags) {
  RegexFlags f;
  for (char c : flags) {
    if (c == 'g') {
      f.global = true;
    } else if (c == 'i') {
      f.case_insensitive = true;
    } else if (c != 'c') {
      throw DataError(sqlstate::kInvalidParameterValue,
                      std::string("invalid regular expression option: \"") + c + "\"");
    }
  }
  return f;
}

void RegexpReplaceKernel(DataChunk& args, FunctionContext& ctx, Vector& result) {
  RegexSource source(ctx, false);
  Arg<string_t> text(args.column(0)), pattern(args.column(1)), replacement(args.column(2));
  bool has_flags = args.ColumnCount() > 3;
  std::string out;
  ExecuteRows<string_t>(args, result, [&](size_t i) {
    RegexFlags flags = has_flags ? ParseFlags(Arg<string_t>(args.column(3))[i].view()) : RegexFlags{};
    const RE2& re = source.Get(pattern[i].view(), flags.case_insensitive);
    std::string rewrite = RewriteString(replacement[i].view());
    out = text[i].str();
    if (flags.global) {
      RE2::GlobalReplace(&out, re, rewrite);
    } else {
      RE2::Replace(&out, re, rewrite);
    }
    return result.AddString(out);
  });
}

std::unique_ptr<FunctionData> BindRegexpReplace(std::vector<ExprPtr>& args, LogicalType& return_type) {
  const std::string* p = ConstantText(args, 1);
  if (!p) return nullptr;
  RegexFlags flags;
  if (args.size() > 3) {
    const std::string* f = ConstantText(args, 3);
    if (!f) return nullptr;
    flags = ParseFlags(*f);
  }
  return std::make_unique<BoundValue<RegexPtr>>(CompileRegex(*p, flags.case_insensitive));
}

/// substring(text FROM pattern): the first parenthesised group's match, or the whole match; NULL if none.
void RegexSubstringKernel(DataChunk& args, FunctionContext& ctx, Vector& result) {
  RegexSource source(ctx, false);
  Arg<string_t> text(args.column(0)), pattern(args.column(1));
  ExecuteRowsNullable<string_t>(args, result, [&](size_t i, string_t& out) {
    string_t s = text[i];
    const RE2& re = source.Get(pattern[i].view());
    re2::StringPiece groups[2];
    int n = std::min(re.NumberOfCapturingGroups(), 1) + 1;
    if (!re.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, groups, n))
      return false;
    const re2::StringPiece& g = groups[n - 1];
    if (g.data() == nullptr) return false;
    out = result.AddString(std::string_view(g.data(), g.size()));
    return true;
  });
}

}  // namespace

void RegisterPatternFunctions(FunctionRegistry& r) {
  const TypeId V = TypeId::kVarchar, B = TypeId::kBoolean;
  for (size_t n : {2, 3}) {
    std::vector<LogicalType> types(n, V);
    r.AddScalar(MakeScalar("like", types, B, LikeKernel<false>));
    r.AddScalar(MakeScalar("ilike", types, B, LikeKernel<true>));
    r.AddScalar(MakeScalar("similar_to", types, B, SimilarToKernel, BindSimilarTo));
  }
  r.AddAlias("~~", "like");
  r.AddAlias("~~*", "ilike");
  r.AddScalar(MakeScalar("~", {V, V}, B, RegexMatchKernel<false, false>, BindRegex<false>));
  r.AddScalar(MakeScalar("~*", {V, V}, B, RegexMatchKernel<true, false>, BindRegex<true>));
  r.AddScalar(MakeScalar("!~", {V, V}, B, RegexMatchKernel<false, true>, BindRegex<false>));
  r.AddScalar(MakeScalar("!~*", {V, V}, B, RegexMatchKernel<true, true>, BindRegex<true>));
  r.AddAlias("regexp_like", "~");
  r.AddScalar(MakeScalar("regexp_replace", {V, V, V}, V, RegexpReplaceKernel, BindRegexpReplace));
  r.AddScalar(MakeScalar("regexp_replace", {V, V, V, V}, V, RegexpReplaceKernel, BindRegexpReplace));
  r.AddScalar(MakeScalar("substring", {V, V}, V, RegexSubstringKernel, BindRegex<false>));
}

}  // namespace basin
