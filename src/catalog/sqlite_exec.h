#pragma once

// One SQLite statement with text parameters, for the stores that keep their tables in catalog.db (the
// catalog's own, the workflow history).

#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace basin {

using SqliteRows = std::vector<std::vector<std::optional<std::string>>>;

/// Run `sql` on `db` with `params` bound as text; its rows (NULL as nullopt) go to `rows` when given.
/// Returns the rows changed. Throws IOError "`what`: SQLite's message". Not synchronised: the caller is.
int SqliteExec(sqlite3* db, const std::string& what, const std::string& sql,
               const std::vector<std::string>& params, SqliteRows* rows = nullptr);

}  // namespace basin
