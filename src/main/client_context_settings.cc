// Session settings: SET, RESET, SHOW and current_setting(). Basin's own (threads, memory_limit,
// lake_cache_size) change how statements run; PostgreSQL's that clients set or read on connect are
// accepted with PostgreSQL's names and values, and either kept as given (application_name, search_path,
// ...: nothing in Basin depends on them) or fixed (TimeZone is UTC, DateStyle ISO: SET is accepted, the value
// stays what Basin does).

#include <algorithm>

#include "common/exception.h"
#include "common/memory_tracker.h"
#include "lake/column_cache.h"
#include "main/client_context.h"
#include "main/client_context_internal.h"
#include "main/database.h"
#include "types/pg_type.h"

namespace basin {

namespace {

enum class SettingKind {
  kBasin,     // changes what Basin does; handled by name in Set
  kKept,      // any value is kept and shown
  kFixed,     // SET accepted, the value shown stays the default
  kReadOnly,  // SET refused (55P02)
};

struct SettingInfo {
  const char* name;  ///< as PostgreSQL spells it (SHOW's column name)
  const char* value;
  SettingKind kind;
  const char* description;
};

const SettingInfo kSettings[] = {
    {"threads", "", SettingKind::kBasin, "threads a statement may use"},
    {"memory_limit", "", SettingKind::kBasin, "memory a statement may use"},
    {"lake_cache_size", "", SettingKind::kBasin, "decoded lake data kept in memory, for every session"},
    {"application_name", "", SettingKind::kKept, "the name the client gave"},
    {"bytea_output", "hex", SettingKind::kFixed, "output format of bytea"},
    {"client_encoding", "UTF8", SettingKind::kFixed, "the client's character set"},
    {"client_min_messages", "notice", SettingKind::kKept, "the least severe messages sent to the client"},
    {"DateStyle", "ISO, MDY", SettingKind::kFixed, "display format of dates and times"},
    {"default_transaction_isolation", "read committed", SettingKind::kKept, "isolation of new transactions"},
    {"default_transaction_read_only", "off", SettingKind::kFixed, "whether new transactions are read-only"},
    {"extra_float_digits", "1", SettingKind::kKept, "digits of floating-point output"},
    {"idle_in_transaction_session_timeout", "0", SettingKind::kKept, "not enforced"},
    {"integer_datetimes", "on", SettingKind::kReadOnly, "datetimes are 64-bit integers"},
    {"IntervalStyle", "postgres", SettingKind::kFixed, "display format of intervals"},
    {"is_superuser", "on", SettingKind::kReadOnly, "the session's user may do everything"},
    {"lc_collate", "C", SettingKind::kReadOnly, "collation: byte order"},
    {"lc_ctype", "C", SettingKind::kReadOnly, "character classification"},
    {"lc_messages", "C", SettingKind::kKept, "language of messages"},
    {"lock_timeout", "0", SettingKind::kKept, "not enforced"},
    {"max_identifier_length", "63", SettingKind::kReadOnly, "longest identifier"},
    {"max_index_keys", "32", SettingKind::kReadOnly,
     "most columns of an index (JDBC asks; Basin has no indexes)"},
    {"search_path", "\"$user\", public", SettingKind::kKept, "schemas searched (Basin searches public)"},
    {"server_encoding", "UTF8", SettingKind::kReadOnly, "the server's character set"},
    {"server_version", kPgServerVersion, SettingKind::kReadOnly, "the PostgreSQL version Basin speaks"},
    {"server_version_num", "160000", SettingKind::kReadOnly, "server_version as a number"},
    {"standard_conforming_strings", "on", SettingKind::kFixed, "backslashes are literal in '...' strings"},
    {"statement_timeout", "0", SettingKind::kKept, "not enforced"},
    {"TimeZone", "UTC", SettingKind::kFixed, "time zone of timestamptz values"},
    {"transaction_isolation", "read committed", SettingKind::kReadOnly, "isolation of the transaction"},
    {"transaction_read_only", "off", SettingKind::kReadOnly, "whether the transaction is read-only"},
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// The setting named `name` (any case; "time zone" is TimeZone, worker_threads and max_memory are aliases).
const SettingInfo* FindSetting(const std::string& name) {
  std::string key = Lower(name);
  if (key == "time zone") key = "timezone";
  if (key == "worker_threads") key = "threads";
  if (key == "max_memory") key = "memory_limit";
  for (const SettingInfo& s : kSettings) {
    if (Lower(s.name) == key) return &s;
  }
  return nullptr;
}

[[noreturn]] void Unrecognized(const std::string& name) {
  throw Exception(sqlstate::kUndefinedObject, "unrecognized configuration parameter \"" + name + "\"");
}

}  // namespace

std::string ClientContext::GetSetting(const std::string& name) {
  const SettingInfo* setting = FindSetting(name);
  if (!setting) Unrecognized(name);
  const std::string key = setting->name;
  if (key == "threads") return std::to_string(threads_);
  if (key == "memory_limit") return FormatBytes(memory_limit_);
  if (key == "lake_cache_size") {
    return FormatBytes(static_cast<int64_t>(ColumnCache::Instance().capacity())) + " (" +
           FormatBytes(static_cast<int64_t>(ColumnCache::Instance().size())) + " used)";
  }
  if (key == "application_name" && !settings_.count(key)) return application_name_;
  if (auto it = settings_.find(key); it != settings_.end()) return it->second;
  return setting->value;
}

std::vector<std::pair<std::string, std::string>> ClientContext::Settings() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const SettingInfo& s : kSettings) out.emplace_back(s.name, GetSetting(s.name));
  return out;
}

std::unique_ptr<QueryResult> ClientContext::Set(const sql::SetStmt& stmt) {
  if (stmt.name == "transaction") return QueryResult::Count(0);  // SET TRANSACTION modes: one isolation
  if (stmt.reset && stmt.name == "all") {
    threads_ = db_.config().threads;
    memory_limit_ = db_.config().memory_limit;
    settings_.clear();
    return QueryResult::Count(0);
  }
  const SettingInfo* setting = FindSetting(stmt.name);
  if (!setting) Unrecognized(stmt.name);
  const std::string key = setting->name;
  if (setting->kind == SettingKind::kReadOnly) {
    throw Exception("55P02", "parameter \"" + key + "\" cannot be changed");
  }
  if (stmt.reset) {
    if (key == "threads") threads_ = db_.config().threads;
    if (key == "memory_limit") memory_limit_ = db_.config().memory_limit;
    settings_.erase(key);
    return QueryResult::Count(0);
  }
  if (setting->kind == SettingKind::kKept) {
    settings_[key] = stmt.value;
  } else if (key == "threads") {
    int64_t n = 0;
    try {
      n = std::stoll(stmt.value);
    } catch (...) {
      n = 0;
    }
    if (n < 1 || n > 1024) throw DataError(sqlstate::kInvalidParameterValue, "threads must be between 1 and 1024");
    threads_ = static_cast<int>(n);
  } else if (key == "memory_limit") {
    int64_t bytes;
    if (!ParseBytes(stmt.value, bytes) || bytes <= 0) {
      throw DataError(sqlstate::kInvalidParameterValue,
                      "invalid memory_limit \"" + stmt.value + "\" (use a size such as '4GB' or '512MB')");
    }
    memory_limit_ = bytes;
  } else if (key == "lake_cache_size") {
    // Decoded row groups of lake tables, kept for the whole process (every session shares them).
    int64_t bytes;
    if (!ParseBytes(stmt.value, bytes) || bytes < 0) {
      throw DataError(sqlstate::kInvalidParameterValue, "invalid lake_cache_size \"" + stmt.value +
                                                            "\" (use a size such as '2GB', or '0' to turn it off)");
    }
    ColumnCache::Instance().SetCapacity(static_cast<size_t>(bytes));
  }
  // kFixed: accepted; Basin's behaviour (UTC, UTF8, ISO dates) stays.
  return QueryResult::Count(0);
}

std::unique_ptr<QueryResult> ClientContext::ShowSetting(const std::string& name) {
  if (name == "all") {
    RowsBuilder rows({"name", "setting", "description"}, {TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar});
    for (const SettingInfo& s : kSettings) {
      rows.Add({Value::Varchar(s.name), Value::Varchar(GetSetting(s.name)), Value::Varchar(s.description)});
    }
    return rows.Finish();
  }
  const SettingInfo* setting = FindSetting(name);
  if (!setting) Unrecognized(name);
  // As PostgreSQL: one column, named after the setting.
  RowsBuilder rows({setting->name}, {TypeId::kVarchar});
  rows.Add({Value::Varchar(GetSetting(name))});
  return rows.Finish();
}

}  // namespace basin
