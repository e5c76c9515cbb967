#include "slt_parser.h"

#include <cstdlib>
#include <sstream>

namespace basin::slt {
namespace {

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> Tokens(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> tokens;
  for (std::string token; in >> token;) tokens.push_back(token);
  return tokens;
}

bool IsNumber(const std::string& token) {
  return !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
}

bool IsBlank(const std::string& line) {
  return line.find_first_not_of(" \t") == std::string::npos;
}

// Walks the lines of one file, record by record.
class Parser {
 public:
  explicit Parser(std::string_view text) : lines_(SplitLines(text)) {}

  ParsedFile Parse() {
    std::vector<Condition> conditions;
    while (i_ < lines_.size()) {
      const std::string& line = lines_[i_];
      if (IsBlank(line) || line[0] == '#') {
        i_++;
        continue;
      }
      const std::vector<std::string> tokens = Tokens(line);
      const std::string& command = tokens[0];
      Record record;
      record.line = static_cast<int>(i_) + 1;
      if ((command == "skipif" || command == "onlyif") && tokens.size() >= 2) {
        conditions.push_back({command == "onlyif", tokens[1]});
        i_++;
        continue;
      }
      record.conditions = std::move(conditions);
      conditions.clear();
      i_++;
      if (command == "statement" && tokens.size() >= 2 && (tokens[1] == "ok" || tokens[1] == "error")) {
        record.kind = tokens[1] == "ok" ? Record::Kind::kStatementOk : Record::Kind::kStatementError;
        ReadBody(&record);
      } else if (command == "query" && tokens.size() >= 2) {
        if (!ReadQueryHeader(tokens, &record)) continue;
        ReadBody(&record);
      } else if (command == "hash-threshold" && tokens.size() >= 2 && IsNumber(tokens[1])) {
        record.kind = Record::Kind::kHashThreshold;
        record.threshold = std::strtoll(tokens[1].c_str(), nullptr, 10);
      } else if (command == "halt") {
        record.kind = Record::Kind::kHalt;
      } else if (command == "restart") {
        record.kind = Record::Kind::kRestart;
      } else if (command == "mode" && tokens.size() >= 2 && (tokens[1] == "skip" || tokens[1] == "unskip")) {
        record.kind = tokens[1] == "skip" ? Record::Kind::kSkipOn : Record::Kind::kSkipOff;
      } else {
        Warn(record.line, "unsupported command '" + line + "', skipped up to the next blank line");
        SkipRecord();
        continue;
      }
      result_.records.push_back(std::move(record));
    }
    return std::move(result_);
  }

 private:
  bool ReadQueryHeader(const std::vector<std::string>& tokens, Record* record) {
    record->kind = Record::Kind::kQuery;
    record->types = tokens[1];
    for (size_t t = 2; t < tokens.size(); t++) {
      if (tokens[t] == "nosort") {
        record->sort = SortMode::kNoSort;
      } else if (tokens[t] == "rowsort") {
        record->sort = SortMode::kRowSort;
      } else if (tokens[t] == "valuesort") {
        record->sort = SortMode::kValueSort;
      } else if (record->label.empty()) {
        record->label = tokens[t];
      } else {
        Warn(record->line, "unexpected '" + tokens[t] + "' in query header; record skipped");
        SkipRecord();
        return false;
      }
    }
    return true;
  }

  // SQL lines up to a blank line or `----`; after `----`, expected lines up to a blank line.
  void ReadBody(Record* record) {
    for (; i_ < lines_.size() && !IsBlank(lines_[i_]) && lines_[i_] != "----"; i_++) {
      if (!record->sql.empty()) record->sql += '\n';
      record->sql += lines_[i_];
    }
    if (i_ < lines_.size() && lines_[i_] == "----") {
      record->has_expected = true;
      for (i_++; i_ < lines_.size() && !IsBlank(lines_[i_]); i_++) record->expected.push_back(lines_[i_]);
    }
  }

  void SkipRecord() {
    while (i_ < lines_.size() && !IsBlank(lines_[i_])) i_++;
  }

  void Warn(int line, const std::string& message) {
    result_.warnings.push_back("line " + std::to_string(line) + ": " + message);
  }

  std::vector<std::string> lines_;
  size_t i_ = 0;
  ParsedFile result_;
};

}  // namespace

ParsedFile ParseFile(std::string_view text) {
  return Parser(text).Parse();
}

}  // namespace basin::slt
