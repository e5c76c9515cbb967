// COPY table FROM / TO files.

#include "common/exception.h"
#include "main/client_context.h"

namespace basin {

std::unique_ptr<QueryResult> ClientContext::Copy(const sql::CopyStmt& stmt) {
  throw NotImplementedError("COPY is being wired to the CSV module");
}

}  // namespace basin
