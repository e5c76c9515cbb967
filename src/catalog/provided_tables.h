#pragma once

// Read-only relations that modules above the engine provide (the workflow history: workflow.dags,
// workflow.dag_runs, workflow.task_attempts): a qualified name and a function that makes the rows each time
// a statement reads it, so SQL can query them without the engine depending on those modules.

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "lake/table_storage.h"

namespace basin {

/// Thread-safe. A provider runs on the thread of the statement that reads its relation.
class ProvidedTables {
 public:
  using Provider = std::function<MetadataRows()>;

  /// Provide `schema.name`, replacing an earlier provider of it.
  void Register(const std::string& schema, const std::string& name, Provider provider);
  void Unregister(const std::string& schema, const std::string& name);
  /// The rows of `schema.name` now, or nullopt when nothing provides it.
  std::optional<MetadataRows> Rows(const std::string& schema, const std::string& name) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Provider> providers_;
};

}  // namespace basin
