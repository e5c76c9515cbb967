// Statement splitting for scripts and the shell: a scanner that knows just enough of the lexical rules
// (quotes, dollar quotes, comments) to find top-level semicolons. It never throws.

#include "sql/parser/parser.h"

namespace basin::sql {
namespace {

bool IsIdentChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         c >= 0x80;
}
bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// Walks a script one lexical unit at a time, reporting top-level semicolons and meaningful text.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool Done() const { return pos_ >= text_.size(); }
  size_t pos() const { return pos_; }
  // True when the script ended inside a quote or comment.
  bool unterminated() const { return unterminated_; }

  enum class Unit { kSemicolon, kSpace, kComment, kText };

  /// Consume the next unit: a ';', whitespace, a comment, or anything else (a quoted run counts as text).
  Unit Next() {
    unsigned char c = At(pos_);
    unsigned char next = At(pos_ + 1);
    if (c == ';') {
      ++pos_;
      return Unit::kSemicolon;
    }
    if (IsSpace(c)) {
      ++pos_;
      return Unit::kSpace;
    }
    if (c == '-' && next == '-') {
      while (!Done() && At(pos_) != '\n') ++pos_;
      return Unit::kComment;
    }
    if (c == '/' && next == '*') {
      SkipBlockComment();
      return Unit::kComment;
    }
    bool after_ident = pos_ > 0 && IsIdentChar(At(pos_ - 1));
    if (c == '\'') {
      // E'...' strings take backslash escapes; the E must be a word of its own.
      bool escapes = pos_ > 0 && (At(pos_ - 1) == 'e' || At(pos_ - 1) == 'E') &&
                     !(pos_ > 1 && IsIdentChar(At(pos_ - 2)));
      SkipQuoted('\'', escapes);
    } else if (c == '"') {
      SkipQuoted('"', false);
    } else if (c == '$' && !after_ident && !(next >= '0' && next <= '9')) {
      SkipDollar();
    } else {
      ++pos_;
    }
    return Unit::kText;
  }

 private:
  unsigned char At(size_t i) const { return i < text_.size() ? static_cast<unsigned char>(text_[i]) : 0; }

  void SkipBlockComment() {
    int depth = 0;
    while (!Done()) {
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
    unterminated_ = true;
  }

  void SkipQuoted(char quote, bool escapes) {
    ++pos_;
    while (!Done()) {
      char c = text_[pos_];
      if (escapes && c == '\\') {
        pos_ += 2;
        continue;
      }
      ++pos_;
      if (c == quote) {
        if (At(pos_) != static_cast<unsigned char>(quote)) return;
        ++pos_;
      }
    }
    pos_ = text_.size();
    unterminated_ = true;
  }

  void SkipDollar() {
    size_t end = pos_ + 1;
    while (end < text_.size() && IsIdentChar(At(end)) && At(end) != '$') ++end;
    if (At(end) != '$' || (end > pos_ + 1 && At(pos_ + 1) >= '0' && At(pos_ + 1) <= '9')) {
      ++pos_;  // not a dollar quote: a lone '$'
      return;
    }
    std::string_view tag = text_.substr(pos_, end + 1 - pos_);
    size_t close = text_.find(tag, end + 1);
    if (close == std::string_view::npos) {
      pos_ = text_.size();
      unterminated_ = true;
      return;
    }
    pos_ = close + tag.size();
  }

  std::string_view text_;
  size_t pos_ = 0;
  bool unterminated_ = false;
};

}  // namespace

std::vector<StatementText> SplitStatements(std::string_view script) {
  std::vector<StatementText> statements;
  Scanner scanner(script);
  size_t first_text = std::string_view::npos;  // first non-space byte of the current statement
  size_t last_end = 0;                         // end of its last non-space unit
  bool has_text = false;                       // seen something other than comments
  auto flush = [&]() {
    if (has_text) statements.push_back({script.substr(first_text, last_end - first_text), first_text});
    first_text = std::string_view::npos;
    has_text = false;
  };
  while (!scanner.Done()) {
    size_t unit_start = scanner.pos();
    Scanner::Unit unit = scanner.Next();
    if (unit == Scanner::Unit::kSemicolon) {
      flush();
      continue;
    }
    if (unit == Scanner::Unit::kSpace) continue;
    if (first_text == std::string_view::npos) first_text = unit_start;
    last_end = scanner.pos();
    if (unit == Scanner::Unit::kText) has_text = true;
  }
  flush();
  return statements;
}

bool IsStatementComplete(std::string_view text) {
  Scanner scanner(text);
  bool complete = false;
  while (!scanner.Done()) {
    Scanner::Unit unit = scanner.Next();
    if (unit == Scanner::Unit::kSemicolon) {
      complete = true;
    } else if (unit == Scanner::Unit::kText) {
      complete = false;
    }
  }
  return complete && !scanner.unterminated();
}

}  // namespace basin::sql
