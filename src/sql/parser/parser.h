#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "sql/parser/ast.h"

namespace basin::sql {

/// One statement's text within a script.
struct StatementText {
  std::string_view text;  // without the terminating ';'
  size_t offset = 0;      // where it starts in the script
};

/// Split a script at top-level semicolons (outside quotes, dollar quotes and comments). Empty statements
/// are dropped. Never throws: unterminated quotes run to the end of the script.
std::vector<StatementText> SplitStatements(std::string_view script);

/// True when the text ends with a statement terminator outside quotes and comments (for the shell).
bool IsStatementComplete(std::string_view text);

/// Parse exactly one statement (a trailing ';' is allowed). Throws ParserError with the byte position of
/// the fault and a message that names what was expected and what was found.
std::unique_ptr<Statement> ParseStatement(std::string_view sql);

/// Parse a standalone expression (for defaults and tests).
ParsedExprPtr ParseExpression(std::string_view sql);

}  // namespace basin::sql
