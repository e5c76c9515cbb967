#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/csv/csv_options.h"
#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_writer.h"

namespace basin::csv {
namespace {

using Cell = std::optional<std::string>;
using Rows = std::vector<std::vector<Cell>>;

DataChunk VarcharChunk(size_t columns) {
  return DataChunk(std::vector<LogicalType>(columns, LogicalType(TypeId::kVarchar)));
}

/// Read all of `data` as `columns` VARCHAR columns; NULL becomes nullopt.
Rows ReadAll(const std::string& data, const CsvOptions& options, size_t columns, size_t* chunks = nullptr,
             std::vector<std::string> names = {}) {
  CsvReader reader(std::make_unique<std::istringstream>(data), options, "t.csv");
  reader.SetColumnNames(std::move(names));
  DataChunk chunk = VarcharChunk(columns);
  Rows rows;
  if (chunks) *chunks = 0;
  while (reader.ReadChunk(chunk)) {
    if (chunks) ++*chunks;
    for (size_t r = 0; r < chunk.size(); ++r) {
      std::vector<Cell> row;
      for (size_t c = 0; c < columns; ++c) {
        const Vector& v = chunk.column(c);
        row.push_back(v.IsNull(r) ? Cell() : Cell(v.data<string_t>()[r].str()));
      }
      rows.push_back(std::move(row));
    }
  }
  EXPECT_FALSE(reader.ReadChunk(chunk));
  return rows;
}

/// The message of the basin::Exception that reading `data` throws ("" when none).
std::string ReadError(const std::string& data, const CsvOptions& options, size_t columns,
                      std::vector<std::string> names = {}, std::string* state = nullptr) {
  try {
    ReadAll(data, options, columns, nullptr, std::move(names));
  } catch (const Exception& e) {
    if (state) *state = e.sqlstate();
    return e.what();
  }
  return "";
}

CsvOptions Csv() {
  return CsvOptions();
}
CsvOptions Text() {
  return CsvOptions::TextDefaults();
}

TEST(CsvReaderTest, QuotedFields) {
  EXPECT_EQ(ReadAll("a,\"b,c\",\"d\"\"e\"\n", Csv(), 3), (Rows{{"a", "b,c", "d\"e"}}));
  // As PostgreSQL: a quote opens a quoted section anywhere in a field.
  EXPECT_EQ(ReadAll("x\"y,z\"w,\"\"\"\"\n", Csv(), 2), (Rows{{"xy,zw", "\""}}));
  // Whitespace is data.
  EXPECT_EQ(ReadAll(" a , \"b\" \n", Csv(), 2), (Rows{{" a ", " b "}}));
}

TEST(CsvReaderTest, EmbeddedNewlinesCountLines) {
  EXPECT_EQ(ReadAll("\"x\ny\",1\n\"p\r\nq\",2", Csv(), 2), (Rows{{"x\ny", "1"}, {"p\r\nq", "2"}}));
  // The record after a two-line record starts on line 3.
  EXPECT_EQ(ReadError("\"x\ny\",1\na\n", Csv(), 2), "missing data for column 2 (file \"t.csv\", line 3)");
}

TEST(CsvReaderTest, RowLines) {
  CsvOptions options = Csv();
  options.header = true;
  CsvReader reader(std::make_unique<std::istringstream>("h\n\"a\nb\"\nc\n"), options, "t.csv");
  EXPECT_EQ(reader.line(), 0);
  DataChunk chunk = VarcharChunk(1);
  ASSERT_TRUE(reader.ReadChunk(chunk));
  ASSERT_EQ(chunk.size(), 2u);
  EXPECT_EQ(reader.RowLine(0), 2);
  EXPECT_EQ(reader.RowLine(1), 4);
  EXPECT_EQ(reader.line(), 4);
  EXPECT_FALSE(reader.ReadChunk(chunk));
}

TEST(CsvReaderTest, CrlfAndLastLineWithoutNewline) {
  EXPECT_EQ(ReadAll("a,b\r\nc,\"d\"\r\ne,f", Csv(), 2), (Rows{{"a", "b"}, {"c", "d"}, {"e", "f"}}));
  EXPECT_EQ(ReadAll("a\r\n\r\n", Csv(), 1), (Rows{{"a"}, {std::nullopt}}));
  EXPECT_EQ(ReadAll("a\rb\n", Csv(), 1), (Rows{{"a\rb"}}));  // a lone CR is data
  EXPECT_EQ(ReadAll("", Csv(), 2), Rows{});
}

TEST(CsvReaderTest, CustomDelimiterQuoteEscape) {
  CsvOptions options = ParseCopyOptions({{"format", "csv"}, {"delimiter", "|"}});
  EXPECT_EQ(ReadAll("1|a,b|\"c|d\"\n", options, 3), (Rows{{"1", "a,b", "c|d"}}));
  options = ParseCopyOptions({{"format", "csv"}, {"quote", "'"}, {"escape", "\\"}});
  EXPECT_EQ(ReadAll("'it\\'s','a\\\\b','c\\d',\"q\"\n", options, 4),
            (Rows{{"it's", "a\\b", "c\\d", "\"q\""}}));
}

TEST(CsvReaderTest, HeaderIsSkipped) {
  CsvOptions options = Csv();
  options.header = true;
  EXPECT_EQ(ReadAll("\"a\nb\",c\n1,2\n", options, 2), (Rows{{"1", "2"}}));
  EXPECT_EQ(ReadError("h1,h2\n1\n", options, 2), "missing data for column 2 (file \"t.csv\", line 2)");
  options = ParseCopyOptions({{"format", "csv"}, {"header", "match"}});
  EXPECT_EQ(ReadAll("x,\"y\"\n1,2\n", options, 2, nullptr, {"x", "y"}), (Rows{{"1", "2"}}));
  EXPECT_EQ(
      ReadError("x,z\n", options, 2, {"x", "y"}),
      "column name mismatch in header line field 2: got \"z\", expected \"y\" (file \"t.csv\", line 1)");
}

TEST(CsvReaderTest, NullString) {
  // CSV: an unquoted empty field is NULL, a quoted one is an empty string.
  EXPECT_EQ(ReadAll(",\"\",x\n", Csv(), 3), (Rows{{std::nullopt, "", "x"}}));
  CsvOptions options = ParseCopyOptions({{"format", "csv"}, {"null", "NA"}});
  EXPECT_EQ(ReadAll("NA,\"NA\",,NAN\n", options, 4), (Rows{{std::nullopt, "NA", "", "NAN"}}));
}

TEST(CsvReaderTest, EmptyLineIsOneEmptyField) {
  EXPECT_EQ(ReadAll("a\n\nb\n", Csv(), 1), (Rows{{"a"}, {std::nullopt}, {"b"}}));
  EXPECT_EQ(ReadAll("a\n\nb\n", Text(), 1), (Rows{{"a"}, {""}, {"b"}}));
  EXPECT_EQ(ReadError("a,b\n\n", Csv(), 2), "missing data for column 2 (file \"t.csv\", line 2)");
}

TEST(CsvReaderTest, TextFormat) {
  EXPECT_EQ(ReadAll("1\t\\N\ta\\tb\tx\\\\y\n", Text(), 4), (Rows{{"1", std::nullopt, "a\tb", "x\\y"}}));
  EXPECT_EQ(ReadAll("\\101\\x41\\x4g\\n\\r\\q\t\\\\N\t\r\n", Text(), 3), (Rows{{"AA\x04g\n\rq", "\\N", ""}}));
  // An escaped delimiter and an escaped newline are data.
  EXPECT_EQ(ReadAll("a\\\tb\tc\\\nd\n", Text(), 2), (Rows{{"a\tb", "c\nd"}}));
  // `\.` alone on a line ends the data; elsewhere it is a '.'.
  EXPECT_EQ(ReadAll("x\\.\n\\.\r\nignored\n", Text(), 1), (Rows{{"x."}}));
  CsvOptions options = ParseCopyOptions({{"delimiter", "|"}, {"null", ""}});
  EXPECT_EQ(ReadAll("|a\\|b|\"q\"\n", options, 3), (Rows{{std::nullopt, "a|b", "\"q\""}}));
}

TEST(CsvReaderTest, WrongFieldCounts) {
  std::string state;
  EXPECT_EQ(ReadError("a,b\nc,d\ne\n", Csv(), 2, {}, &state),
            "missing data for column 2 (file \"t.csv\", line 3)");
  EXPECT_EQ(state, "22P04");
  EXPECT_EQ(ReadError("a,b\nc,d,e\n", Csv(), 2),
            "extra data after last expected column (file \"t.csv\", line 2)");
  EXPECT_EQ(ReadError("a\tb\n", Text(), 3, {"x", "y", "z"}),
            "missing data for column \"z\" (file \"t.csv\", line 1)");
  // Errors past the first chunk keep counting lines.
  std::string data;
  for (int i = 0; i < 5000; ++i) data += std::to_string(i) + ",x\n";
  data += "oops\n";
  EXPECT_EQ(ReadError(data, Csv(), 2), "missing data for column 2 (file \"t.csv\", line 5001)");
}

TEST(CsvReaderTest, UnterminatedQuote) {
  std::string state;
  EXPECT_EQ(ReadError("a,b\n\"c,d\ne,f\n", Csv(), 2, {}, &state),
            "unterminated CSV quoted field (file \"t.csv\", line 2)");
  EXPECT_EQ(state, "22P04");
  EXPECT_NE(ReadError("\"", Csv(), 1), "");
}

TEST(CsvReaderTest, ThreeChunks) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data += std::to_string(i) + "|name " + std::to_string(i) + "||\n";
  CsvOptions options = ParseCopyOptions({{"format", "csv"}, {"delimiter", "|"}});
  size_t chunks = 0;
  Rows rows = ReadAll(data, options, 4, &chunks);
  EXPECT_EQ(chunks, 3u);
  ASSERT_EQ(rows.size(), 5000u);
  EXPECT_EQ(rows[4999], (std::vector<Cell>{"4999", "name 4999", std::nullopt, std::nullopt}));
  EXPECT_EQ(rows[2048][1], "name 2048");
}

TEST(CsvReaderTest, RecordsAcrossBlocksAndHugeFields) {
  // Records cross the 1 MiB block boundaries; one field is larger than a block.
  std::string big(3 << 20, 'x');
  std::string data = "\"" + big + "\n\",1\n";
  for (int i = 0; i < 100000; ++i) data += "\"q" + std::to_string(i) + "\"\"\"," + std::to_string(i) + "\r\n";
  Rows rows = ReadAll(data, Csv(), 2);
  ASSERT_EQ(rows.size(), 100001u);
  EXPECT_EQ(rows[0][0], big + "\n");
  EXPECT_EQ(rows[77777], (std::vector<Cell>{"q77776\"", "77776"}));
}

TEST(CsvReaderTest, OpenErrors) {
  try {
    CsvReader reader("/nonexistent/x.csv", Csv());
    FAIL();
  } catch (const IOError& e) {
    EXPECT_STREQ(e.what(),
                 "could not open file \"/nonexistent/x.csv\" for reading: No such file or directory");
  }
  EXPECT_THROW(CsvReader("/tmp", Csv()), IOError);
}

TEST(CsvOptionsTest, Parse) {
  CsvOptions o = ParseCopyOptions({});
  EXPECT_EQ(o.format, CopyFormat::kText);
  EXPECT_EQ(o.delimiter, '\t');
  EXPECT_EQ(o.null_string, "\\N");
  o = ParseCopyOptions({{"format", "CSV"}, {"header", ""}, {"quote", "'"}, {"encoding", "UTF-8"}});
  EXPECT_EQ(o.format, CopyFormat::kCsv);
  EXPECT_TRUE(o.header);
  EXPECT_EQ(o.quote, '\'');
  EXPECT_EQ(o.escape, '\'');  // the escape defaults to the quote
  EXPECT_EQ(o.null_string, "");
  EXPECT_FALSE(ParseCopyOptions({{"header", "off"}}).header);

  auto error = [](std::vector<std::pair<std::string, std::string>> options) {
    try {
      (void)ParseCopyOptions(options);
    } catch (const Exception& e) {
      return e.sqlstate() + " " + e.what();
    }
    return std::string();
  };
  EXPECT_EQ(error({{"delimiter", "||"}}), "0A000 COPY delimiter must be a single one-byte character");
  EXPECT_EQ(error({{"format", "csv"}, {"delimiter", "\n"}}),
            "22023 COPY delimiter cannot be newline or carriage return");
  EXPECT_EQ(error({{"delimiter", "a"}}), "22023 COPY delimiter cannot be \"a\"");
  EXPECT_EQ(error({{"format", "xml"}}), "22023 COPY format \"xml\" not recognized");
  EXPECT_EQ(error({{"format", "csv"}, {"format", "csv"}}), "42601 conflicting or redundant options");
  EXPECT_EQ(error({{"bogus", "1"}}), "42601 option \"bogus\" not recognized");
  EXPECT_EQ(error({{"header", "maybe"}}), "42601 header requires a Boolean value or \"match\"");
  EXPECT_EQ(error({{"quote", "'"}}), "0A000 COPY quote available only in CSV mode");
  EXPECT_EQ(error({{"format", "csv"}, {"delimiter", "\""}}),
            "22023 COPY delimiter and quote must be different");
  EXPECT_EQ(error({{"format", "csv"}, {"null", "a,b"}}),
            "22023 COPY delimiter character must not appear in the NULL specification");
  EXPECT_EQ(error({{"format", "csv"}, {"null", "\"x"}}),
            "22023 CSV quote character must not appear in the NULL specification");
  EXPECT_EQ(error({{"format", "binary"}}), "0A000 COPY format \"binary\" is not supported");
  EXPECT_EQ(error({{"force_quote", "*"}}), "0A000 COPY option \"force_quote\" is not supported");
  EXPECT_EQ(error({{"encoding", "latin1"}}), "0A000 COPY encoding \"latin1\" is not supported (only UTF8)");
}

/// Write `rows` (nullopt = NULL) and return the text.
std::string WriteAll(const Rows& rows, const CsvOptions& options, std::vector<std::string> header = {}) {
  std::ostringstream out;
  CsvWriter writer(out, options, "out");
  if (!header.empty()) writer.WriteHeader(header);
  size_t columns = rows.empty() ? 1 : rows[0].size();
  DataChunk chunk = VarcharChunk(columns);
  size_t at = 0;
  while (at < rows.size()) {
    chunk.Reset();
    size_t n = std::min(kVectorSize, rows.size() - at);
    for (size_t r = 0; r < n; ++r) {
      for (size_t c = 0; c < columns; ++c) {
        const Cell& cell = rows[at + r][c];
        chunk.SetValue(c, r, cell ? Value::Varchar(*cell) : Value::Null(LogicalType(TypeId::kVarchar)));
      }
    }
    chunk.SetCardinality(n);
    writer.WriteChunk(chunk);
    at += n;
  }
  writer.Close();
  return out.str();
}

TEST(CsvWriterTest, QuotesLikePostgres) {
  Rows rows = {{"a", "", std::nullopt, "b,c", "say \"hi\"", "x\ny", "r\r", " s "}};
  EXPECT_EQ(WriteAll(rows, Csv(), {"h 1", "h,2", "3", "4", "5", "6", "7", "8"}),
            "h 1,\"h,2\",3,4,5,6,7,8\n"
            "a,\"\",,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",\"r\r\", s \n");
  CsvOptions options = ParseCopyOptions({{"format", "csv"}, {"null", "NA"}, {"escape", "\\"}});
  EXPECT_EQ(WriteAll({{"NA", std::nullopt, "", "q\"\\"}}, options), "\"NA\",NA,,\"q\\\"\\\\\"\n");
  EXPECT_EQ(WriteAll({{"\\."}}, Csv()), "\"\\.\"\n");
}

TEST(CsvWriterTest, TextEscapes) {
  EXPECT_EQ(WriteAll({{"a\tb", std::nullopt, "\\N", "l1\nl2\r", std::string("\x01", 1)}}, Text()),
            "a\\tb\t\\N\t\\\\N\tl1\\nl2\\r\t\x01\n");
  CsvOptions options = ParseCopyOptions({{"delimiter", "|"}});
  EXPECT_EQ(WriteAll({{"a|b", "c\td"}}, options), "a\\|b|c\\td\n");
}

TEST(CsvWriterTest, FileErrors) {
  EXPECT_THROW(CsvWriter("/nonexistent/dir/out.csv", Csv()), IOError);
  std::string path = testing::TempDir() + "csv_writer_test.csv";
  {
    CsvWriter writer(path, Csv());
    writer.WriteHeader({"a"});
    writer.Close();
  }
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "a\n");
  std::remove(path.c_str());
}

/// Random strings rich in the characters that need quoting or escaping.
Rows RandomRows(std::mt19937& rng, size_t count, size_t columns) {
  static const char kAlphabet[] = "ab,|\"'\\\n\r\t .NA";
  Rows rows(count);
  for (auto& row : rows) {
    for (size_t c = 0; c < columns; ++c) {
      if (rng() % 10 == 0) {
        row.emplace_back(std::nullopt);
        continue;
      }
      std::string s(rng() % 20, ' ');
      for (char& ch : s) ch = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
      row.emplace_back(std::move(s));
    }
  }
  return rows;
}

TEST(CsvRoundTripTest, RandomStrings) {
  std::mt19937 rng(42);
  std::vector<CsvOptions> formats = {
      Csv(),
      ParseCopyOptions({{"format", "csv"}, {"delimiter", "|"}, {"null", "NA"}, {"header", "true"}}),
      ParseCopyOptions({{"format", "csv"}, {"quote", "'"}, {"escape", "\\"}}),
      Text(),
      ParseCopyOptions({{"delimiter", ","}, {"null", "<null>"}}),
  };
  for (const CsvOptions& options : formats) {
    for (size_t columns : {1, 3}) {
      Rows rows = RandomRows(rng, 5000, columns);
      std::string text =
          WriteAll(rows, options,
                   options.header ? std::vector<std::string>(columns, "h") : std::vector<std::string>());
      EXPECT_EQ(ReadAll(text, options, columns), rows) << text.substr(0, 300);
    }
  }
}

}  // namespace
}  // namespace basin::csv
