#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace basin::slt {

/// How a query's result is put in order before it is compared.
enum class SortMode { kNoSort, kRowSort, kValueSort };

/// A `skipif ENGINE` or `onlyif ENGINE` line in front of a record.
struct Condition {
  bool only_if = false;
  std::string engine;
};

/// One record of a sqllogictest file (SQLite's format with DuckDB's extensions).
struct Record {
  enum class Kind {
    kStatementOk,     ///< `statement ok`: the SQL must succeed
    kStatementError,  ///< `statement error`: the SQL must fail, with `expected` in the message if given
    kQuery,           ///< `query <types> [sort] [label]`
    kHashThreshold,   ///< `hash-threshold N`
    kHalt,            ///< `halt`: stop the file here
    kSkipOn,          ///< `mode skip`: skip records up to `mode unskip`
    kSkipOff,         ///< `mode unskip`
    kRestart,         ///< `restart`: reopen the database from its data directory (DuckDB's extension)
  };
  Kind kind = Kind::kStatementOk;
  int line = 0;  ///< 1-based line of the record's command
  std::vector<Condition> conditions;
  std::string sql;
  std::string types;  ///< query: one letter per column (I, R, T)
  SortMode sort = SortMode::kNoSort;
  std::string label;
  bool has_expected = false;          ///< a `----` line was present
  std::vector<std::string> expected;  ///< lines after `----` (results, or an error message)
  int64_t threshold = 0;              ///< hash-threshold
};

/// A parsed file: its records and a warning for every line the parser did not understand and skipped.
struct ParsedFile {
  std::vector<Record> records;
  std::vector<std::string> warnings;  ///< "line N: ..."
};

/// Parse a sqllogictest file. Records are separated by blank lines; lines starting with '#' between
/// records are comments. Never fails: what it cannot read it skips with a warning.
ParsedFile ParseFile(std::string_view text);

}  // namespace basin::slt
