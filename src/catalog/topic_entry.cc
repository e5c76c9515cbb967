#include "catalog/topic_entry.h"

#include "catalog/catalog.h"
#include "lake/topic_table.h"
#include "log/log_manager.h"

namespace basin {

std::shared_ptr<TableEntry> GetTopicEntry(log::LogManager& log, const std::string& name) {
  std::optional<log::TopicInfo> info = log.FindTopic(name);
  if (!info || info->internal) return nullptr;  // __consumer_offsets is the broker's, in its binary format
  auto storage = std::make_shared<TopicTable>(log, name, log::TopicSchema::FromConfig(info->config));
  auto entry = std::make_shared<TableEntry>();
  entry->name = name;
  for (const TopicTable::Column& c : storage->columns()) {
    ColumnDefinition column;
    column.name = c.name;
    column.type = c.type;
    column.not_null = c.not_null;
    column.comment = c.comment;
    entry->columns.push_back(std::move(column));
  }
  entry->pseudo_columns = kTopicPseudoColumns;
  entry->storage = std::move(storage);
  return entry;
}

}  // namespace basin
