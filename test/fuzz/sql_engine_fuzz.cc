// Fuzz target for the whole engine: any script runs statement by statement against a small database and
// every statement ends with a result or an error, never a crash. Seeds are the SQL parser's corpus; a
// mutated query exercises the binder, optimizer and operators wherever it still parses.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "main/database.h"

namespace {

/// One database for all inputs, with tables the seeds' queries can use. Statements that change it
/// (CREATE, INSERT, DROP) are allowed: the fuzzer should reach those paths too.
basin::Connection& Session() {
  static auto* db = new basin::Database(basin::DatabaseConfig{"", 2, 256 << 20});
  static auto* connection = [] {
    auto* c = new basin::Connection(*db);
    c->QueryScript(
        "CREATE TABLE t (a INTEGER, b VARCHAR, c DOUBLE, d DATE);"
        "INSERT INTO t VALUES (1, 'x', 1.5, '2024-01-01'), (2, NULL, NULL, NULL), (3, 'zz', -2, "
        "'1999-12-31');"
        "CREATE TABLE u AS SELECT x AS a, x % 3 AS k, 'v' || x AS s FROM generate_series(1, 100) g(x);");
    return c;
  }();
  return *connection;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // long inputs only slow the search down
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  // COPY reads and writes files: keep the fuzzer away from the file system.
  if (sql.find("COPY") != std::string_view::npos || sql.find("copy") != std::string_view::npos ||
      sql.find(".parquet") != std::string_view::npos || sql.find(".csv") != std::string_view::npos ||
      sql.find("read_") != std::string_view::npos) {
    return 0;
  }
  Session().QueryScript(sql);
  return 0;
}
