#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace basin::csv {

/// The two text formats of PostgreSQL's COPY.
enum class CopyFormat {
  kCsv,   // RFC 4180-style quoting; unquoted empty field = NULL by default
  kText,  // PostgreSQL's default: tab-separated, \N = NULL, backslash escapes, no quoting
};

/// How a delimited text file is laid out. The defaults are PostgreSQL's for FORMAT csv; `TextDefaults()`
/// gives FORMAT text's.
struct CsvOptions {
  CopyFormat format = CopyFormat::kCsv;
  char delimiter = ',';
  /// CSV only: the quote character, and the character that escapes a quote inside a quoted field.
  char quote = '"';
  char escape = '"';
  /// The first record is a header: skipped when reading, written by CsvWriter::WriteHeader.
  bool header = false;
  /// HEADER MATCH: when reading, the header must name the columns (see CsvReader::SetColumnNames).
  bool header_match = false;
  /// A field equal to this (unquoted in CSV, before unescaping in text) is NULL; NULL is written as it.
  std::string null_string;

  /// The defaults of FORMAT text: tab delimiter, `\N` for NULL.
  static CsvOptions TextDefaults() {
    CsvOptions options;
    options.format = CopyFormat::kText;
    options.delimiter = '\t';
    options.null_string = "\\N";
    return options;
  }
};

/// Text format: the control bytes written as backslash-letter escapes (`\t`), and their letters.
inline constexpr std::string_view kTextEscapedBytes = "\b\f\n\r\t\v";
inline constexpr std::string_view kTextEscapeLetters = "bfnrtv";

/// Build CsvOptions from COPY's option list as the parser gives it: lower-cased names, values as text
/// ("" when only the name is given), e.g. {"format","csv"}, {"header",""}, {"delimiter","|"}. Applies
/// PostgreSQL's defaults and checks (ProcessCopyOptions): throws basin::Exception with 22023 for bad
/// values, 42601 for unknown or repeated options, 0A000 for options Basin does not support (FORMAT binary,
/// FORCE_*, encodings other than UTF8).
[[nodiscard]] CsvOptions ParseCopyOptions(const std::vector<std::pair<std::string, std::string>>& options);

}  // namespace basin::csv
