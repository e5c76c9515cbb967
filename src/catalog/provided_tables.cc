#include "catalog/provided_tables.h"

namespace basin {

void ProvidedTables::Register(const std::string& schema, const std::string& name, Provider provider) {
  std::lock_guard<std::mutex> lock(mutex_);
  providers_[{schema, name}] = std::move(provider);
}

void ProvidedTables::Unregister(const std::string& schema, const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  providers_.erase({schema, name});
}

std::optional<MetadataRows> ProvidedTables::Rows(const std::string& schema, const std::string& name) const {
  Provider provider;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = providers_.find({schema, name});
    if (found == providers_.end()) return std::nullopt;
    provider = found->second;
  }
  return provider();  // outside the lock: it may take its time
}

}  // namespace basin
