#include "sql/parser/lexer.h"

#include <array>

#include "common/exception.h"
#include "common/utf8.h"

namespace basin::sql {
namespace {

bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsIdentChar(unsigned char c) {
  return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$';
}
bool IsDigit(unsigned char c) {
  return c >= '0' && c <= '9';
}
bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Multi-character operators, longest first so that the first match is the longest one.
constexpr std::array<std::string_view, 24> kMultiCharOps = {
    "!~~*", "!~~", "~~*", "!~*", "->>", "#>>", "::", "<>", "!=", "<=", ">=", "||",
    "~~",   "~*",  "!~",  "<<",  ">>",  "->",  "#>", "@>", "<@", "&&", "=>", ":=",
};
constexpr std::string_view kSingleCharOps = "+-*/%^<>=~!@#&|()[],;.:?";

void AppendUnicodeEscape(std::string* out, uint32_t cp, int64_t pos) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    throw ParserError("invalid Unicode escape value", pos);
  }
  basin::AppendUtf8(static_cast<int32_t>(cp), out);
}

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    while (true) {
      SkipSpaceAndComments();
      Token token;
      token.location = static_cast<int64_t>(pos_);
      if (pos_ >= sql_.size()) {
        token.end = token.location;
        tokens.push_back(std::move(token));
        return tokens;
      }
      LexToken(&token);
      token.end = static_cast<int64_t>(pos_);
      tokens.push_back(std::move(token));
    }
  }

 private:
  unsigned char At(size_t i) const { return i < sql_.size() ? static_cast<unsigned char>(sql_[i]) : 0; }

  void SkipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      if (IsSpace(At(pos_))) {
        ++pos_;
      } else if (At(pos_) == '-' && At(pos_ + 1) == '-') {
        while (pos_ < sql_.size() && At(pos_) != '\n') ++pos_;
      } else if (At(pos_) == '/' && At(pos_ + 1) == '*') {
        SkipBlockComment();
      } else {
        return;
      }
    }
  }

  // Block comments nest in PostgreSQL: /* a /* b */ c */ is one comment.
  void SkipBlockComment() {
    size_t start = pos_;
    int depth = 0;
    while (pos_ < sql_.size()) {
      if (At(pos_) == '/' && At(pos_ + 1) == '*') {
        ++depth;
        pos_ += 2;
      } else if (At(pos_) == '*' && At(pos_ + 1) == '/') {
        pos_ += 2;
        if (--depth == 0) return;
      } else {
        ++pos_;
      }
    }
    throw ParserError("unterminated /* comment", static_cast<int64_t>(start));
  }

  void LexToken(Token* token) {
    unsigned char c = At(pos_);
    unsigned char next = At(pos_ + 1);
    if (IsDigit(c) || (c == '.' && IsDigit(next))) return LexNumber(token);
    if (c == '\'') return LexString(token, /*escapes=*/false);
    if (c == '"') return LexQuotedIdent(token);
    if (c == '$') return LexDollar(token);
    if (next == '\'') {
      if (c == 'e' || c == 'E') {
        ++pos_;
        return LexString(token, /*escapes=*/true);
      }
      if (c == 'b' || c == 'B' || c == 'x' || c == 'X') return LexBitString(token, c == 'x' || c == 'X');
      if (c == 'n' || c == 'N') {  // national character strings are plain strings
        ++pos_;
        return LexString(token, /*escapes=*/false);
      }
    }
    if (IsIdentStart(c)) {
      token->type = TokenType::kIdent;
      while (pos_ < sql_.size() && IsIdentChar(At(pos_))) {
        char ch = sql_[pos_++];
        token->text.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
      }
      return;
    }
    LexOperator(token);
  }

  void LexNumber(Token* token) {
    size_t start = pos_;
    bool numeric = false;
    while (IsDigit(At(pos_))) ++pos_;
    // `1..2` is not a number followed by `.2`; PostgreSQL stops the number before `..` the same way.
    if (At(pos_) == '.' && At(pos_ + 1) != '.') {
      numeric = true;
      ++pos_;
      while (IsDigit(At(pos_))) ++pos_;
    }
    if (At(pos_) == 'e' || At(pos_) == 'E') {
      size_t exp = pos_ + 1;
      if (At(exp) == '+' || At(exp) == '-') ++exp;
      if (IsDigit(At(exp))) {
        numeric = true;
        pos_ = exp;
        while (IsDigit(At(pos_))) ++pos_;
      }
    }
    // `0x1F` or `1_000` would otherwise read as a number with an alias; PostgreSQL 15+ rejects them too.
    if (IsIdentStart(At(pos_))) {
      throw ParserError("trailing junk after numeric literal at or near \"" +
                            std::string(sql_.substr(start, pos_ + 1 - start)) + "\"",
                        static_cast<int64_t>(start));
    }
    token->type = numeric ? TokenType::kNumeric : TokenType::kInteger;
    token->text = std::string(sql_.substr(start, pos_ - start));
  }

  // '...' with '' for a quote; with `escapes` (E'...') backslash escapes too. Adjacent literals separated
  // by whitespace containing a newline are one literal, as the SQL standard says.
  void LexString(Token* token, bool escapes) {
    token->type = TokenType::kString;
    while (true) {
      ReadQuoted(&token->text, escapes);
      size_t p = pos_;
      bool newline = false;
      while (IsSpace(At(p))) newline |= At(p++) == '\n';
      if (!newline || At(p) != '\'') return;
      pos_ = p;
    }
  }

  void ReadQuoted(std::string* out, bool escapes) {
    size_t start = pos_;
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= sql_.size()) throw ParserError("unterminated quoted string", static_cast<int64_t>(start));
      unsigned char c = At(pos_);
      if (c == '\'') {
        if (At(pos_ + 1) == '\'') {
          out->push_back('\'');
          pos_ += 2;
          continue;
        }
        ++pos_;
        return;
      }
      if (c == '\\' && escapes) {
        ReadEscape(out);
        continue;
      }
      out->push_back(static_cast<char>(c));
      ++pos_;
    }
  }

  void ReadEscape(std::string* out) {
    int64_t at = static_cast<int64_t>(pos_);
    unsigned char c = At(pos_ + 1);
    pos_ += 2;
    switch (c) {
      case 'b':
        out->push_back('\b');
        return;
      case 'f':
        out->push_back('\f');
        return;
      case 'n':
        out->push_back('\n');
        return;
      case 'r':
        out->push_back('\r');
        return;
      case 't':
        out->push_back('\t');
        return;
      case 0:
        if (pos_ > sql_.size()) throw ParserError("unterminated quoted string", at);
        break;
      default:
        break;
    }
    if (c >= '0' && c <= '7') {
      int value = c - '0';
      for (int i = 0; i < 2 && At(pos_) >= '0' && At(pos_) <= '7'; ++i)
        value = value * 8 + (At(pos_++) - '0');
      out->push_back(static_cast<char>(value & 0xFF));
      return;
    }
    if (c == 'x' && HexValue(At(pos_)) >= 0) {
      int value = 0;
      for (int i = 0; i < 2 && HexValue(At(pos_)) >= 0; ++i) value = value * 16 + HexValue(At(pos_++));
      out->push_back(static_cast<char>(value));
      return;
    }
    if (c == 'u' || c == 'U') {
      int digits = c == 'u' ? 4 : 8;
      uint32_t cp = 0;
      for (int i = 0; i < digits; ++i) {
        int h = HexValue(At(pos_));
        if (h < 0)
          throw ParserError("invalid Unicode escape: \\" + std::string(1, c) + " needs hex digits", at);
        cp = cp * 16 + static_cast<uint32_t>(h);
        ++pos_;
      }
      AppendUnicodeEscape(out, cp, at);
      return;
    }
    out->push_back(static_cast<char>(c));
  }

  void LexBitString(Token* token, bool hex) {
    int64_t start = static_cast<int64_t>(pos_);
    ++pos_;  // the B or X prefix
    std::string raw;
    ReadQuoted(&raw, /*escapes=*/false);
    token->type = TokenType::kBitString;
    for (char ch : raw) {
      if (!hex) {
        if (ch != '0' && ch != '1')
          throw ParserError("\"" + std::string(1, ch) + "\" is not a valid binary digit", start);
        token->text.push_back(ch);
        continue;
      }
      int v = HexValue(static_cast<unsigned char>(ch));
      if (v < 0) throw ParserError("\"" + std::string(1, ch) + "\" is not a valid hexadecimal digit", start);
      for (int bit = 3; bit >= 0; --bit) token->text.push_back(((v >> bit) & 1) ? '1' : '0');
    }
  }

  void LexQuotedIdent(Token* token) {
    size_t start = pos_;
    ++pos_;
    token->type = TokenType::kQuotedIdent;
    while (true) {
      if (pos_ >= sql_.size())
        throw ParserError("unterminated quoted identifier", static_cast<int64_t>(start));
      if (At(pos_) == '"') {
        if (At(pos_ + 1) != '"') break;
        ++pos_;
      }
      token->text.push_back(sql_[pos_++]);
    }
    ++pos_;
    if (token->text.empty())
      throw ParserError("zero-length delimited identifier", static_cast<int64_t>(start));
  }

  // $1 is a parameter; $$...$$ and $tag$...$tag$ are dollar-quoted strings.
  void LexDollar(Token* token) {
    size_t start = pos_;
    if (IsDigit(At(pos_ + 1))) {
      ++pos_;
      token->type = TokenType::kParam;
      while (IsDigit(At(pos_))) token->text.push_back(sql_[pos_++]);
      return;
    }
    size_t p = pos_ + 1;
    if (IsIdentStart(At(p))) {
      while (IsIdentChar(At(p)) && At(p) != '$') ++p;
    }
    if (At(p) != '$') throw ParserError("syntax error at or near \"$\"", static_cast<int64_t>(start));
    std::string_view tag = sql_.substr(start, p + 1 - start);
    size_t close = sql_.find(tag, p + 1);
    if (close == std::string_view::npos) {
      throw ParserError("unterminated dollar-quoted string", static_cast<int64_t>(start));
    }
    token->type = TokenType::kString;
    token->text = std::string(sql_.substr(p + 1, close - (p + 1)));
    pos_ = close + tag.size();
  }

  void LexOperator(Token* token) {
    token->type = TokenType::kOp;
    std::string_view rest = sql_.substr(pos_);
    for (std::string_view op : kMultiCharOps) {
      if (rest.substr(0, op.size()) == op) {
        token->text = op == "!=" ? "<>" : std::string(op);
        pos_ += op.size();
        return;
      }
    }
    if (kSingleCharOps.find(static_cast<char>(At(pos_))) != std::string_view::npos) {
      token->text = std::string(1, sql_[pos_++]);
      return;
    }
    std::string shown(1, sql_[pos_]);
    if (At(pos_) < 0x20 || At(pos_) == 0x7F)
      shown = "\\x" + std::string(1, "0123456789abcdef"[At(pos_) >> 4]) +
              std::string(1, "0123456789abcdef"[At(pos_) & 15]);
    throw ParserError("syntax error at or near \"" + shown + "\"", static_cast<int64_t>(pos_));
  }

  std::string_view sql_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view sql) {
  return Lexer(sql).Run();
}

}  // namespace basin::sql
