#pragma once

// The stream processor's way into the batch engine (stream/query_engine.h): a session of its own.

#include <memory>

#include "stream/query_engine.h"

namespace basin {

class Database;

/// A QueryEngine over a new ClientContext of `db`.
std::unique_ptr<stream::QueryEngine> NewStreamEngine(Database& db);

}  // namespace basin
