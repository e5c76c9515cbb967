#include "catalog/sqlite_exec.h"

#include <sqlite3.h>

#include "common/exception.h"

namespace basin {

int SqliteExec(sqlite3* db, const std::string& what, const std::string& sql,
               const std::vector<std::string>& params, SqliteRows* rows) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw IOError(what + ": " + sqlite3_errmsg(db));
  }
  for (size_t i = 0; i < params.size(); i++) {
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].data(), static_cast<int>(params[i].size()),
                      SQLITE_TRANSIENT);
  }
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (!rows) continue;
    auto& row = rows->emplace_back();
    for (int c = 0; c < sqlite3_column_count(stmt); c++) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      if (text)
        row.emplace_back(std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
      else
        row.emplace_back(std::nullopt);
    }
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) throw IOError(what + ": " + sqlite3_errmsg(db));
  return sqlite3_changes(db);
}

}  // namespace basin
