#include "formats/csv/csv_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/exception.h"

namespace basin::csv {

namespace {
constexpr size_t kFlushSize = size_t{1} << 20;
}  // namespace

CsvWriter::CsvWriter(const std::string& path, CsvOptions options)
    : options_(std::move(options)), name_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IOError("could not open file \"" + path + "\" for writing: " + std::strerror(errno));
  Init();
}

CsvWriter::CsvWriter(std::ostream& output, CsvOptions options, std::string name)
    : options_(std::move(options)), name_(std::move(name)), stream_(&output) {
  Init();
}

void CsvWriter::Init() {
  buffer_.reserve(kFlushSize + 4096);
  auto mark = [this](char c) { special_[static_cast<unsigned char>(c)] = true; };
  mark(options_.delimiter);
  mark('\n');
  mark('\r');
  if (options_.format == CopyFormat::kCsv) {
    mark(options_.quote);  // the escape character only matters inside quotes
  } else {
    mark('\\');
    for (int c = 0; c < 0x20; ++c) mark(static_cast<char>(c));
  }
}

CsvWriter::~CsvWriter() {
  if (closed_) return;
  try {
    Close();
  } catch (const Exception&) {
    // Close() reports errors to callers that want them; a destructor cannot.
  }
}

void CsvWriter::WriteHeader(const std::vector<std::string>& names) {
  if (closed_) throw InternalError("CsvWriter: write after Close()");
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) buffer_.push_back(options_.delimiter);
    WriteField(names[i], names.size() == 1);
  }
  buffer_.push_back('\n');
  if (buffer_.size() >= kFlushSize) FlushBuffer();
}

void CsvWriter::WriteChunk(const DataChunk& chunk) {
  if (closed_) throw InternalError("CsvWriter: write after Close()");
  const size_t columns = chunk.ColumnCount();
  for (size_t i = 0; i < columns; ++i) {
    if (chunk.column(i).type().id() != TypeId::kVarchar) {
      throw InternalError("CsvWriter: column " + std::to_string(i + 1) + " is not VARCHAR");
    }
  }
  for (size_t row = 0; row < chunk.size(); ++row) {
    for (size_t i = 0; i < columns; ++i) {
      if (i > 0) buffer_.push_back(options_.delimiter);
      const Vector& column = chunk.column(i);
      if (column.IsNull(row)) {
        buffer_.append(options_.null_string);
      } else {
        WriteField(column.data<string_t>()[column.IsConstant() ? 0 : row].view(), columns == 1);
      }
    }
    buffer_.push_back('\n');
    if (buffer_.size() >= kFlushSize) FlushBuffer();
  }
  rows_written_ += static_cast<int64_t>(chunk.size());
}

void CsvWriter::WriteField(std::string_view value, bool single_column) {
  size_t i = 0;
  while (i < value.size() && !special_[static_cast<unsigned char>(value[i])]) ++i;
  if (options_.format == CopyFormat::kCsv) {
    // A value equal to the null string (so "" when NULL is empty) must be quoted to read back as a value,
    // and so must `\.` alone, which older PostgreSQL readers take for the end of data.
    if (i == value.size() && value != options_.null_string && !(single_column && value == "\\.")) {
      buffer_.append(value);
    } else {
      WriteCsvField(value);
    }
  } else if (i == value.size()) {
    buffer_.append(value);
  } else {
    buffer_.append(value.substr(0, i));
    WriteTextField(value.substr(i));
  }
}

void CsvWriter::WriteCsvField(std::string_view value) {
  const char quote = options_.quote, escape = options_.escape;
  buffer_.push_back(quote);
  for (char c : value) {
    if (c == quote || c == escape) buffer_.push_back(escape);
    buffer_.push_back(c);
  }
  buffer_.push_back(quote);
}

void CsvWriter::WriteTextField(std::string_view value) {
  for (char c : value) {
    if (!special_[static_cast<unsigned char>(c)]) {
      buffer_.push_back(c);
      continue;
    }
    if (size_t letter = kTextEscapedBytes.find(c); letter != std::string_view::npos) {
      buffer_.push_back('\\');
      buffer_.push_back(kTextEscapeLetters[letter]);
    } else if (c == '\\' || c == options_.delimiter) {
      buffer_.push_back('\\');
      buffer_.push_back(c);
    } else {
      buffer_.push_back(c);  // other control bytes read back as themselves
    }
  }
}

void CsvWriter::FlushBuffer() {
  WriteBytes(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void CsvWriter::WriteBytes(const char* data, size_t size) {
  if (stream_ != nullptr) {
    stream_->write(data, static_cast<std::streamsize>(size));
    if (!*stream_) throw IOError("could not write to \"" + name_ + "\"");
    return;
  }
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IOError("could not write to file \"" + name_ + "\": " + std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void CsvWriter::Close() {
  if (closed_) return;
  closed_ = true;  // even on failure: a second Close() must not write the buffer again
  const int fd = fd_;
  try {
    FlushBuffer();
  } catch (const Exception&) {
    if (fd >= 0) ::close(fd);
    fd_ = -1;
    throw;
  }
  fd_ = -1;
  if (stream_ != nullptr) {
    stream_->flush();
    if (!*stream_) throw IOError("could not write to \"" + name_ + "\"");
  }
  if (fd >= 0 && ::close(fd) != 0) {
    throw IOError("could not close file \"" + name_ + "\": " + std::strerror(errno));
  }
}

}  // namespace basin::csv
