#pragma once

// Topics of the embedded log seen as tables. Topics are not catalog entries: the log owns their names and
// settings, and a topic's table is made afresh from them whenever a statement names it.

#include <memory>
#include <string>

namespace basin {

struct TableEntry;
namespace log {
class LogManager;
}

/// The table topic `name` reads as: the pseudo columns, then the columns its schema declares (or `value`),
/// stored in a TopicTable; null when `log` has no such topic or it is internal (`__consumer_offsets`).
/// Throws when the topic's schema is malformed.
std::shared_ptr<TableEntry> GetTopicEntry(log::LogManager& log, const std::string& name);

}  // namespace basin
