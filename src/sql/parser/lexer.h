#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace basin::sql {

enum class TokenType {
  kIdent,        // unquoted identifier or keyword, lower-cased
  kQuotedIdent,  // "Name" with "" unescaped, case kept
  kString,       // '...', E'...', $$...$$: the contents, unescaped
  kBitString,    // B'0101' or X'1F': the bits as 0/1 digits (hex is expanded)
  kInteger,      // digits only, as written (may exceed int64; the binder decides)
  kNumeric,      // 1.5, .5, 1e10, as written
  kParam,        // $n: text holds the digits
  kOp,           // punctuation and operators: ( ) [ ] , ; . : :: + - * / < >= <> || ~* ...
  kEnd,          // end of input
};

/// One lexical token with its byte span [location, end) in the statement text.
struct Token {
  TokenType type = TokenType::kEnd;
  std::string text;
  int64_t location = 0;
  int64_t end = 0;
};

/// Split SQL text into tokens, ending with one kEnd token. Comments and whitespace are dropped; `!=` is
/// returned as `<>`. Throws ParserError for unterminated strings, identifiers and comments.
std::vector<Token> Tokenize(std::string_view sql);

/// How PostgreSQL reserves a keyword (src/include/parser/kwlist.h); unknown words are kUnreserved.
enum class KeywordCategory { kUnreserved, kColName, kTypeFunc, kReserved };

/// Return the category of a lower-cased word.
KeywordCategory GetKeywordCategory(std::string_view word);

}  // namespace basin::sql
