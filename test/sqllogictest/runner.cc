// basin_sqllogictest: runs sqllogictest files (SQLite's format plus DuckDB's extensions) against Basin.
// Usage: basin_sqllogictest [--quiet] FILE_OR_DIR...   Directories are searched for *.test recursively.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/exception.h"
#include "main/database.h"
#include "slt_format.h"
#include "slt_parser.h"

namespace basin::slt {
namespace {

// The names `skipif` and `onlyif` match: Basin speaks PostgreSQL's dialect.
const char* const kEngineNames[] = {"postgresql", "basin"};
constexpr size_t kMaxShownLines = 20;

struct Totals {
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t skipped = 0;
};

bool IsOurEngine(const std::string& name) {
  return std::find(std::begin(kEngineNames), std::end(kEngineNames), name) != std::end(kEngineNames);
}

// Parse "N values hashing to <md5>"; false if the line is not of that form.
bool ParseHashLine(const std::string& line, size_t* count, std::string* hash) {
  static const std::regex kHashLine(R"(^(\d+) values hashing to ([0-9a-f]{32})$)");
  std::smatch match;
  if (!std::regex_match(line, match, kHashLine)) return false;
  *count = std::stoull(match[1].str());
  *hash = match[2].str();
  return true;
}

// Expected values, one per line (SQLite) or tab-separated rows (DuckDB), flattened alike.
std::vector<std::string> FlattenExpected(const std::vector<std::string>& lines) {
  std::vector<std::string> values;
  for (const std::string& line : lines) {
    size_t start = 0;
    while (true) {
      const size_t tab = line.find('\t', start);
      values.push_back(MaskNonPrintable(line.substr(start, tab - start)));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
  }
  return values;
}

std::string Join(const std::vector<std::string>& values, size_t from, size_t count, char separator) {
  std::string text;
  for (size_t i = from; i < from + count && i < values.size(); i++) {
    if (i > from) text += separator;
    text += values[i];
  }
  return text;
}

/// Runs one file on a fresh database (in memory, or persistent in an empty `data_dir`) and adds its
/// records' outcomes to the totals.
class FileRunner {
 public:
  FileRunner(std::string path, bool quiet, Totals* totals, std::string data_dir)
      : path_(std::move(path)), quiet_(quiet), totals_(totals), data_dir_(std::move(data_dir)) {
    Open();
  }

  void Run(std::string_view text) {
    ParsedFile file = ParseFile(text);
    for (const std::string& warning : file.warnings) std::cerr << path_ << ": warning: " << warning << "\n";
    const Totals before = *totals_;
    bool skipping = false;  // between `mode skip` and `mode unskip`
    for (const Record& record : file.records) {
      if (record.kind == Record::Kind::kSkipOn || record.kind == Record::Kind::kSkipOff) {
        skipping = record.kind == Record::Kind::kSkipOn;
        continue;
      }
      if (record.kind == Record::Kind::kHashThreshold) {
        hash_threshold_ = record.threshold;
        continue;
      }
      const bool counted = record.kind != Record::Kind::kHalt;
      if (skipping || !ConditionsHold(record)) {
        if (counted) totals_->skipped++;
        continue;
      }
      if (record.kind == Record::Kind::kHalt) break;
      if (record.kind == Record::Kind::kRestart) {
        // In memory there is nothing to reopen: the records after it check the same data either way.
        if (!data_dir_.empty()) Open();
        continue;
      }
      if (record.kind == Record::Kind::kQuery ? RunQuery(record) : RunStatement(record)) {
        totals_->passed++;
      } else {
        totals_->failed++;
      }
    }
    if (!quiet_) {
      std::cout << path_ << ": " << totals_->passed - before.passed << " passed, "
                << totals_->failed - before.failed << " failed";
      if (totals_->skipped > before.skipped)
        std::cout << ", " << totals_->skipped - before.skipped << " skipped";
      std::cout << "\n";
    }
  }

 private:
  /// `onlyif persistent` / `skipif persistent` select records by the run's mode (tables in a data
  /// directory or in memory); other names are engines.
  bool ConditionsHold(const Record& record) const {
    for (const Condition& condition : record.conditions) {
      bool holds = condition.engine == "persistent" ? !data_dir_.empty() : IsOurEngine(condition.engine);
      if (condition.only_if != holds) return false;
    }
    return true;
  }

  std::unique_ptr<QueryResult> Execute(const std::string& sql) {
    // The engine reports errors as results; a throw is an engine bug, reported as a failed record.
    try {
      return connection_->Query(sql);
    } catch (const Exception& e) {
      return QueryResult::Error({e.sqlstate(), e.message(), e.position()});
    } catch (const std::exception& e) {
      return QueryResult::Error(
          {sqlstate::kInternalError, std::string("uncaught exception: ") + e.what(), -1});
    }
  }

  // Report a failed record: where, what, the SQL, and optionally expected and actual lines.
  void Report(const Record& record, const std::string& what, const std::vector<std::string>& expected = {},
              const std::vector<std::string>& actual = {}) {
    std::ostringstream text;
    text << path_ << ":" << record.line << ": " << what << "\n" << record.sql << "\n";
    const auto show = [&](const char* title, const std::vector<std::string>& lines) {
      text << title << "\n";
      for (size_t i = 0; i < lines.size() && i < kMaxShownLines; i++) text << "  " << lines[i] << "\n";
      if (lines.size() > kMaxShownLines)
        text << "  ... (" << lines.size() - kMaxShownLines << " more lines)\n";
    };
    if (!expected.empty() || !actual.empty()) {
      show("Expected:", expected);
      show("Actual:", actual);
    }
    std::cout << text.str() << "\n";
  }

  static std::string ErrorText(const QueryResult& result) {
    return result.error().message + " (SQLSTATE " + result.error().sqlstate + ")";
  }

  static bool ErrorMatches(const ErrorInfo& error, const std::string& expected) {
    if (expected.empty() || expected == error.sqlstate) return true;
    static const std::string kRegexPrefix = "<REGEX>:";
    if (expected.rfind(kRegexPrefix, 0) == 0) {
      return std::regex_search(error.message, std::regex(expected.substr(kRegexPrefix.size())));
    }
    return error.message.find(expected) != std::string::npos;
  }

  bool RunStatement(const Record& record) {
    const auto result = Execute(record.sql);
    if (record.kind == Record::Kind::kStatementOk) {
      if (!result->HasError()) return true;
      Report(record, "statement failed: " + ErrorText(*result));
      return false;
    }
    if (!result->HasError()) {
      Report(record, "statement succeeded but an error was expected");
      return false;
    }
    std::string expected = Join(record.expected, 0, record.expected.size(), '\n');
    if (ErrorMatches(result->error(), expected)) return true;
    Report(record, "statement failed with another error", {expected}, {ErrorText(*result)});
    return false;
  }

  bool RunQuery(const Record& record) {
    const auto result = Execute(record.sql);
    if (result->HasError()) {
      Report(record, "query failed: " + ErrorText(*result));
      return false;
    }
    // A statement without rows (INSERT, MERGE, ...) reads as one row holding its count, as in DuckDB's
    // runner, so tests can check how many rows it affected.
    const bool count = result->kind() == QueryResult::Kind::kCount;
    const size_t columns = count ? 1 : result->ColumnCount();
    if (!record.types.empty() && record.types.size() != columns) {
      Report(record, "query returned " + std::to_string(columns) + " columns, expected " +
                         std::to_string(record.types.size()));
      return false;
    }
    std::vector<std::string> actual;
    if (count) actual.push_back(std::to_string(result->rows_affected()));
    actual.reserve(result->RowCount() * columns);
    for (size_t r = 0; r < result->RowCount(); r++) {
      for (size_t c = 0; c < columns; c++) {
        actual.push_back(
            FormatValue(result->GetValue(c, r), c < record.types.size() ? record.types[c] : 'T'));
      }
    }
    SortValues(record.sort, columns, &actual);
    const std::string hash = HashValues(actual);
    if (!record.label.empty()) {
      // Queries sharing a label must give the same result (SQLite's runner checks this too).
      const auto [it, inserted] = label_hashes_.emplace(record.label, hash);
      if (!inserted && it->second != hash) {
        Report(record, "result differs from an earlier query labelled '" + record.label + "'");
        return false;
      }
    }
    if (!record.has_expected) return true;

    size_t expected_count = 0;
    std::string expected_hash;
    bool ok;
    const bool hashed =
        record.expected.size() == 1 && ParseHashLine(record.expected[0], &expected_count, &expected_hash);
    if (hashed) {
      ok = expected_count == actual.size() && expected_hash == hash;
    } else {
      std::vector<std::string> expected = FlattenExpected(record.expected);
      SortValues(record.sort, columns, &expected);  // as DuckDB's runner does, so files need not pre-sort
      ok = expected == actual;
    }
    if (ok) return true;
    Report(record, "wrong result", record.expected, ActualLines(actual, columns, hashed));
    return false;
  }

  // The actual result as it could be pasted into the file: rows tab-separated, after the hash line when
  // the file expects a hash or the result is past the hash threshold.
  std::vector<std::string> ActualLines(const std::vector<std::string>& values, size_t columns,
                                       bool hashed) const {
    std::vector<std::string> lines;
    if (hashed || (hash_threshold_ > 0 && static_cast<int64_t>(values.size()) > hash_threshold_)) {
      lines.push_back(std::to_string(values.size()) + " values hashing to " + HashValues(values));
    }
    for (size_t i = 0; columns > 0 && i < values.size(); i += columns) {
      lines.push_back(Join(values, i, columns, '\t'));
    }
    if (lines.empty()) lines.push_back("(no rows)");
    return lines;
  }

  std::string path_;
  bool quiet_;
  Totals* totals_;
  void Open() {
    connection_.reset();
    database_.reset();
    database_ = std::make_unique<Database>(DatabaseConfig{.data_dir = data_dir_});
    connection_ = std::make_unique<Connection>(*database_);
  }

  std::string data_dir_;  // empty: in memory
  std::unique_ptr<Database> database_;
  std::unique_ptr<Connection> connection_;
  int64_t hash_threshold_ = 0;
  std::map<std::string, std::string> label_hashes_;
};

// Expand arguments into .test files: files as given, directories searched recursively (sorted).
std::vector<std::string> CollectFiles(const std::vector<std::string>& args, Totals* totals) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::recursive_directory_iterator(arg, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".test")
          found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) std::cerr << "warning: no .test files under " << arg << "\n";
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(arg, ec)) {
      files.push_back(arg);
    } else {
      std::cout << arg << ": no such file or directory\n";
      totals->failed++;
    }
  }
  return files;
}

int Main(int argc, char** argv) {
  bool quiet = false;
  std::string data_root;  // --persistent DIR: each file on its own persistent database under DIR
  std::vector<std::string> args;
  for (int i = 1; i < argc; i++) {
    const std::string arg = argv[i];
    if (arg == "--quiet" || arg == "-q") {
      quiet = true;
    } else if (arg == "--persistent" && i + 1 < argc) {
      data_root = argv[++i];
    } else if (arg == "--help" || arg == "-h" || (arg.size() > 1 && arg[0] == '-')) {
      (arg == "--help" || arg == "-h" ? std::cout : std::cerr)
          << "Usage: basin_sqllogictest [--quiet] [--persistent DIR] FILE_OR_DIR...\n";
      return arg == "--help" || arg == "-h" ? 0 : 2;
    } else {
      args.push_back(arg);
    }
  }
  if (args.empty()) {
    std::cerr << "Usage: basin_sqllogictest [--quiet] FILE_OR_DIR...\n";
    return 2;
  }
  Totals totals;
  int file_number = 0;
  for (const std::string& path : CollectFiles(args, &totals)) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      std::cout << path << ": cannot read\n";
      totals.failed++;
      continue;
    }
    std::string data_dir;
    if (!data_root.empty()) {
      data_dir = data_root + "/" + std::to_string(file_number++);
      std::filesystem::remove_all(data_dir);
    }
    FileRunner(path, quiet, &totals, data_dir).Run(text.str());
  }
  std::cout << totals.passed << " passed, " << totals.failed << " failed";
  if (totals.skipped > 0) std::cout << ", " << totals.skipped << " skipped";
  std::cout << "\n";
  return totals.failed > 0 ? 1 : 0;
}

}  // namespace
}  // namespace basin::slt

int main(int argc, char** argv) {
  return basin::slt::Main(argc, argv);
}
