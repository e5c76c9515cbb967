#include "formats/csv/csv_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/exception.h"

namespace basin::csv {

namespace {

constexpr size_t kBlockSize = size_t{1} << 20;
/// A record may not exceed this: beyond it an unterminated quote is far likelier than real data, and
/// string_t lengths are 32-bit.
constexpr size_t kMaxRecordBytes = size_t{1} << 30;
/// Bytes after the data: the '\n' sentinel, then slack so a short field can be loaded with fixed-size reads.
constexpr size_t kPadding = 16;

/// A string_t for `data[0, length)`, length <= string_t::kInlineLength, built with fixed-size loads (the
/// buffer's padding makes them safe) instead of the variable-length memcpy string_t's constructor does.
string_t InlineString(const char* data, size_t length) {
  uint64_t low;
  uint32_t high;
  std::memcpy(&low, data, 8);
  std::memcpy(&high, data + 8, 4);
  if (length < 8) {
    low &= (uint64_t{1} << (8 * length)) - 1;
    high = 0;
  } else if (length < 12) {
    high &= (uint32_t{1} << (8 * (length - 8))) - 1;
  }
  string_t result;
  result.value.inlined.length = static_cast<uint32_t>(length);
  std::memcpy(result.value.inlined.inlined, &low, 8);
  std::memcpy(result.value.inlined.inlined + 8, &high, 4);
  return result;
}

class FileSource : public ByteSource {
 public:
  explicit FileSource(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      throw IOError("could not open file \"" + path + "\" for reading: " + std::strerror(errno));
    }
    struct stat st;
    if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd_);
      throw IOError("\"" + path + "\" is a directory");
    }
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  ~FileSource() override { ::close(fd_); }

  size_t Read(char* dst, size_t size) override {
    while (true) {
      ssize_t n = ::read(fd_, dst, size);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR)
        throw IOError("could not read from file \"" + path_ + "\": " + std::strerror(errno));
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
};

class StreamSource : public ByteSource {
 public:
  StreamSource(std::unique_ptr<std::istream> in, std::string name)
      : in_(std::move(in)), name_(std::move(name)) {}

  size_t Read(char* dst, size_t size) override {
    in_->read(dst, static_cast<std::streamsize>(size));
    if (in_->bad()) throw IOError("could not read from \"" + name_ + "\"");
    return static_cast<size_t>(in_->gcount());
  }

 private:
  std::unique_ptr<std::istream> in_;
  std::string name_;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

CsvReader::CsvReader(const std::string& path, CsvOptions options)
    : CsvReader(std::make_unique<FileSource>(path), std::move(options), path) {}

CsvReader::CsvReader(std::unique_ptr<std::istream> input, CsvOptions options, std::string name)
    : CsvReader(std::make_unique<StreamSource>(std::move(input), name), std::move(options), name) {}

CsvReader::CsvReader(std::unique_ptr<ByteSource> source, CsvOptions options, std::string name)
    : source_(std::move(source)), options_(std::move(options)), name_(std::move(name)) {
  capacity_ = kBlockSize;
  buf_.reset(new char[capacity_ + kPadding]);
  buf_[0] = '\n';
  header_pending_ = options_.header;
  auto stop = [](std::array<bool, 256>& table, char c) { table[static_cast<unsigned char>(c)] = true; };
  stop(stop_, '\n');
  stop(stop_, options_.delimiter);
  stop(quoted_stop_, '\n');  // newlines inside quotes still count for line numbers
  if (options_.format == CopyFormat::kCsv) {
    stop(stop_, options_.quote);
    stop(quoted_stop_, options_.quote);
    stop(quoted_stop_, options_.escape);
  } else {
    stop(stop_, '\\');
  }
}

CsvReader::~CsvReader() = default;

bool CsvReader::Refill() {
  if (eof_) return false;
  size_t keep = len_ - pos_;
  if (pos_ > 0) std::memmove(buf_.get(), buf_.get() + pos_, keep);
  pos_ = 0;
  len_ = keep;
  if (len_ == capacity_) {
    // One record fills the whole buffer: grow it.
    if (capacity_ >= kMaxRecordBytes) {
      throw DataError(sqlstate::kProgramLimitExceeded, "record longer than 1 GiB (file \"" + name_ +
                                                           "\", line " + std::to_string(next_line_) + ")");
    }
    std::unique_ptr<char[]> bigger(new char[capacity_ * 2 + kPadding]);
    std::memcpy(bigger.get(), buf_.get(), len_);
    buf_ = std::move(bigger);
    capacity_ *= 2;
  }
  // Fill the buffer so a long record is not rescanned once per short read.
  while (len_ < capacity_) {
    size_t n = source_->Read(buf_.get() + len_, capacity_ - len_);
    if (n == 0) {
      eof_ = true;
      break;
    }
    len_ += n;
  }
  std::memset(buf_.get() + len_, 0, kPadding);  // defined bytes for InlineString's over-reads
  buf_[len_] = '\n';
  return true;
}

// PostgreSQL's CSV rules (CopyReadAttributesCSV): a quote anywhere in a field opens a quoted section, in
// which delimiters and newlines are data and `escape quote` (by default "") stands for a quote.
CsvReader::ScanResult CsvReader::ScanCsvRecord() {
  const char* b = buf_.get();
  const char delimiter = options_.delimiter, quote = options_.quote, escape = options_.escape;
  size_t p = pos_;
  if (p == len_) return eof_ ? ScanResult::kEnd : ScanResult::kNeedMore;
  field_count_ = 0;
  int64_t newlines = 0;
  size_t begin = p;
  bool quoted = false;
  while (true) {
    while (!stop_[static_cast<unsigned char>(b[p])]) ++p;
    const char c = b[p];
    if (c == delimiter) {
      AddField({begin, p, !quoted, quoted});
      begin = ++p;
      quoted = false;
    } else if (c == '\n') {
      if (p == len_ && !eof_) return ScanResult::kNeedMore;
      // A CR before the newline is part of a CRLF line end. It cannot be inside quotes: a quoted section
      // ends with a quote.
      size_t end = p > begin && b[p - 1] == '\r' ? p - 1 : p;
      AddField({begin, end, !quoted, quoted});
      record_end_ = p == len_ ? p : p + 1;
      record_newlines_ = newlines + 1;
      return ScanResult::kRecord;
    } else {  // the quote
      quoted = true;
      ++p;
      while (true) {
        while (!quoted_stop_[static_cast<unsigned char>(b[p])]) ++p;
        if (p == len_) {
          if (!eof_) return ScanResult::kNeedMore;
          Fail("unterminated CSV quoted field");
        }
        if (b[p] == '\n') {
          ++newlines;
          ++p;
          continue;
        }
        if (b[p] == escape && (b[p + 1] == quote || b[p + 1] == escape) && p + 1 < len_) {
          p += 2;
          continue;
        }
        // The next byte decides between an escape pair and a closing quote.
        if (p + 1 == len_ && !eof_) return ScanResult::kNeedMore;
        ++p;
        if (b[p - 1] == quote) break;
      }
    }
  }
}

// PostgreSQL's text format (CopyReadAttributesText): no quoting; a backslash escapes the next byte (also a
// delimiter or a newline), and a line holding just `\.` ends the data.
CsvReader::ScanResult CsvReader::ScanTextRecord() {
  const char* b = buf_.get();
  const char delimiter = options_.delimiter;
  size_t p = pos_;
  if (p == len_) return eof_ ? ScanResult::kEnd : ScanResult::kNeedMore;
  field_count_ = 0;
  int64_t newlines = 0;
  size_t begin = p;
  size_t escaped_until = p;  // bytes before this may be the second half of an escape pair
  bool plain = true;
  while (true) {
    while (!stop_[static_cast<unsigned char>(b[p])]) ++p;
    const char c = b[p];
    if (c == delimiter) {
      AddField({begin, p, plain, false});
      begin = ++p;
      plain = true;
    } else if (c == '\n') {
      if (p == len_ && !eof_) return ScanResult::kNeedMore;
      size_t end = p > escaped_until && b[p - 1] == '\r' ? p - 1 : p;
      AddField({begin, end, plain, false});
      record_end_ = p == len_ ? p : p + 1;
      record_newlines_ = newlines + 1;
      return ScanResult::kRecord;
    } else {
      // A backslash.
      if (p + 3 >= len_ && !eof_) return ScanResult::kNeedMore;  // room to recognise `\.\r\n`
      if (p + 1 == len_) {  // a lone backslash at the very end is taken literally
        plain = false;
        ++p;
        continue;
      }
      if (p == pos_ && b[p + 1] == '.') {
        size_t q = p + 2;
        if (q < len_ && b[q] == '\r') ++q;
        if (q == len_ || b[q] == '\n') return ScanResult::kEnd;
      }
      if (b[p + 1] == '\n') ++newlines;
      plain = false;
      p += 2;
      escaped_until = p;
    }
  }
}

size_t CsvReader::Unescape(const Field& field) {
  char* b = buf_.get();
  size_t r = field.begin, w = field.begin;
  const size_t end = field.end;
  if (options_.format == CopyFormat::kCsv) {
    const char quote = options_.quote, escape = options_.escape;
    bool in_quotes = false;
    while (r < end) {
      char c = b[r++];
      if (!in_quotes) {
        if (c == quote) {
          in_quotes = true;
        } else {
          b[w++] = c;
        }
      } else if (c == escape && r < end && (b[r] == quote || b[r] == escape)) {
        b[w++] = b[r++];
      } else if (c == quote) {
        in_quotes = false;
      } else {
        b[w++] = c;
      }
    }
    return w;
  }
  while (r < end) {
    char c = b[r++];
    if (c != '\\' || r == end) {
      b[w++] = c;
      continue;
    }
    c = b[r++];
    if (c >= '0' && c <= '7') {  // \o, \oo, \ooo
      int value = c - '0';
      for (int i = 0; i < 2 && r < end && b[r] >= '0' && b[r] <= '7'; ++i) value = value * 8 + b[r++] - '0';
      b[w++] = static_cast<char>(value & 0xff);
    } else if (c == 'x' && r < end && HexValue(b[r]) >= 0) {  // \xh, \xhh
      int value = HexValue(b[r++]);
      if (r < end && HexValue(b[r]) >= 0) value = value * 16 + HexValue(b[r++]);
      b[w++] = static_cast<char>(value);
    } else if (size_t letter = kTextEscapeLetters.find(c); letter != std::string_view::npos) {
      b[w++] = kTextEscapedBytes[letter];
    } else {
      b[w++] = c;  // any other escaped byte stands for itself
    }
  }
  return w;
}

bool CsvReader::ReadChunk(DataChunk& out) {
  const size_t capacity = out.capacity() == 0 ? kVectorSize : out.capacity();
  const size_t columns = out.ColumnCount();
  // Fresh vectors each chunk: the previous chunk's strings may still be referenced downstream, and a
  // reused heap would only grow.
  column_data_.resize(columns);
  column_heaps_.resize(columns);
  for (size_t i = 0; i < columns; ++i) {
    if (out.column(i).type().id() != TypeId::kVarchar) {
      throw InternalError("CsvReader: column " + std::to_string(i + 1) + " is not VARCHAR");
    }
    out.column(i) = Vector(LogicalType(TypeId::kVarchar), capacity);
    column_data_[i] = out.column(i).data<string_t>();
    column_heaps_[i] = &out.column(i).heap();
  }
  row_lines_.resize(capacity);
  if (rejects_) row_texts_.resize(capacity);
  size_t row = 0;
  if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
  try {
    while (row < capacity && !done_) {
      ScanResult result = options_.format == CopyFormat::kCsv ? ScanCsvRecord() : ScanTextRecord();
      if (result == ScanResult::kNeedMore) {
        Refill();
        continue;
      }
      if (result == ScanResult::kEnd) {
        done_ = true;
        break;
      }
      if (header_pending_) {
        header_pending_ = false;
        CheckHeader();
      } else {
        if (rejects_) row_texts_[row] = RecordText();  // before StoreRecord unescapes in place
        if (StoreRecord(out, row)) row_lines_[row++] = next_line_;
      }
      record_line_ = next_line_;
      pos_ = record_end_;
      next_line_ += record_newlines_;
    }
  } catch (const Exception&) {
    // Hand out the rows before the bad record first, so that an earlier error found when the caller
    // casts them is the one reported.
    if (row == 0) throw;
    pending_ = std::current_exception();
  }
  out.SetCardinality(row);
  return row > 0;
}

std::string CsvReader::RecordText() const {
  size_t end = record_end_;
  while (end > pos_ && (buf_[end - 1] == '\n' || buf_[end - 1] == '\r')) end--;
  return std::string(buf_.get() + pos_, end - pos_);
}

bool CsvReader::StoreRecord(DataChunk& out, size_t row) {
  const size_t columns = out.ColumnCount();
  if (columns == 0) return true;  // PostgreSQL accepts any line for a table without columns
  if (field_count_ != columns) {
    const bool extra = field_count_ > columns;
    std::string message = extra ? "extra data after last expected column"
                                : "missing data for column " + ColumnName(field_count_);
    std::string column;
    if (!extra) {
      column = field_count_ < column_names_.size() ? column_names_[field_count_]
                                                   : std::to_string(field_count_ + 1);
    }
    if (!rejects_) Fail(message);
    rejects_->push_back({name_, next_line_, column, message, RecordText()});
    return false;
  }
  const char* b = buf_.get();
  const std::string& null_string = options_.null_string;
  for (size_t i = 0; i < columns; ++i) {
    const Field& field = fields_[i];
    size_t length = field.end - field.begin;
    if (!field.quoted && length == null_string.size() &&
        std::memcmp(b + field.begin, null_string.data(), length) == 0) {
      column_data_[i][row] = string_t();
      ValidityMask& validity = out.column(i).validity();
      if (validity.AllValid()) validity.Initialize(out.column(i).capacity());
      validity.SetInvalid(row);
      continue;
    }
    if (!field.plain) length = Unescape(field) - field.begin;
    column_data_[i][row] = length <= string_t::kInlineLength
                               ? InlineString(b + field.begin, length)
                               : column_heaps_[i]->Add(std::string_view(b + field.begin, length));
  }
  return true;
}

// HEADER MATCH (PostgreSQL 15): the header must list the columns in order.
void CsvReader::CheckHeader() {
  if (!options_.header_match || column_names_.empty()) return;
  if (field_count_ != column_names_.size()) {
    Fail("wrong number of fields in header line: got " + std::to_string(field_count_) + ", expected " +
         std::to_string(column_names_.size()));
  }
  for (size_t i = 0; i < field_count_; ++i) {
    const Field& field = fields_[i];
    size_t end = field.plain ? field.end : Unescape(field);
    std::string got(buf_.get() + field.begin, end - field.begin);
    if (got != column_names_[i]) {
      Fail("column name mismatch in header line field " + std::to_string(i + 1) + ": got \"" + got +
           "\", expected \"" + column_names_[i] + "\"");
    }
  }
}

std::string CsvReader::ColumnName(size_t column) const {
  if (column < column_names_.size()) return "\"" + column_names_[column] + "\"";
  return std::to_string(column + 1);
}

void CsvReader::Fail(const std::string& message) const {
  throw DataError(sqlstate::kBadCopyFileFormat,
                  message + " (file \"" + name_ + "\", line " + std::to_string(next_line_) + ")");
}

}  // namespace basin::csv
