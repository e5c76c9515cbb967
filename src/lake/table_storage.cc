#include "lake/table_storage.h"

#include "common/exception.h"

namespace basin {

namespace {
[[noreturn]] void NeedsHistory(const std::string& what) {
  throw NotImplementedError(what + " needs a table with history: an Iceberg table in a data directory "
                                   "(basin sql --data DIR)");
}
}  // namespace

std::shared_ptr<TableStorage> TableStorage::AsOf(std::optional<int64_t>, std::optional<int64_t>) {
  NeedsHistory("time travel");
}

std::optional<MetadataRows> TableStorage::Metadata(const std::string&) {
  NeedsHistory("a metadata table");
}

int64_t TableStorage::Execute(const std::string& procedure, const std::vector<Value>&) {
  if (procedure == "optimize" || procedure == "vacuum" || procedure == "expire_snapshots" ||
      procedure == "remove_orphan_files") {
    return 0;  // rows in memory have no files to compact or remove
  }
  NeedsHistory(procedure);
}

void TableStorage::Writer::SetCommitProperty(const std::string&, const std::string&, const std::string&) {
  NeedsHistory("a commit property (CREATE SINK)");
}

bool TableStorage::AlterSchema(const SchemaChange&) {
  throw NotImplementedError("the columns of files queried directly cannot be altered");
}

void TableStorage::SetProperties(const std::map<std::string, std::string>&) {
  NeedsHistory("table properties");
}

}  // namespace basin
