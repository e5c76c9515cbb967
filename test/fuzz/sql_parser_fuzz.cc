// Fuzz target for the SQL parser: any byte string must parse or fail with a basin::Exception, never crash,
// hang or overflow the stack.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/exception.h"
#include "sql/parser/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  try {
    basin::sql::ParseStatement(sql);
  } catch (const basin::Exception&) {
  }
  for (const basin::sql::StatementText& statement : basin::sql::SplitStatements(sql)) {
    try {
      basin::sql::ParseStatement(statement.text);
    } catch (const basin::Exception&) {
    }
  }
  basin::sql::IsStatementComplete(sql);
  try {
    basin::sql::ParseExpression(sql);
  } catch (const basin::Exception&) {
  }
  return 0;
}
