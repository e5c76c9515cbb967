#include "server/pgwire/protocol.h"

#include <cstring>

namespace basin::pgwire {

namespace {

/// Reads one message body; every read checks what is left and names the field in its error.
class BodyReader {
 public:
  BodyReader(std::string_view body, const char* message) : body_(body), message_(message) {}

  int16_t Int16(const char* field) {
    Need(2, field);
    const auto* p = reinterpret_cast<const uint8_t*>(body_.data() + pos_);
    pos_ += 2;
    return static_cast<int16_t>((p[0] << 8) | p[1]);
  }
  int32_t Int32(const char* field) {
    Need(4, field);
    const auto* p = reinterpret_cast<const uint8_t*>(body_.data() + pos_);
    pos_ += 4;
    return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) |
                                uint32_t{p[3]});
  }
  char Byte(const char* field) {
    Need(1, field);
    return body_[pos_++];
  }
  /// A NUL-terminated string.
  std::string String(const char* field) {
    const size_t end = body_.find('\0', pos_);
    if (end == std::string_view::npos) Fail(field, "is not NUL-terminated");
    std::string s(body_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  std::string Bytes(size_t n, const char* field) {
    Need(n, field);
    std::string s(body_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  /// A count (int16) of items that each take at least `item_bytes`: negative or more than the body holds
  /// is an error, so that no vector is sized by a forged count.
  size_t Count(const char* field, size_t item_bytes) {
    const int16_t n = Int16(field);
    if (n < 0 || static_cast<size_t>(n) * item_bytes > Left()) Fail(field, std::to_string(n) + " is out of range");
    return static_cast<size_t>(n);
  }
  size_t Left() const { return body_.size() - pos_; }
  bool AtEnd() const { return pos_ == body_.size(); }
  void ExpectEnd() {
    if (!AtEnd()) Fail("end", "has " + std::to_string(Left()) + " bytes left over");
  }
  [[noreturn]] void Fail(const char* field, const std::string& problem) const {
    throw ProtocolError(std::string("invalid ") + message_ + " message: " + field + " " + problem);
  }

 private:
  void Need(size_t n, const char* field) const {
    if (Left() < n) Fail(field, "is cut short");
  }

  std::string_view body_;
  const char* message_;
  size_t pos_ = 0;
};

void PutInt32(std::string& out, size_t at, int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  out[at] = static_cast<char>(u >> 24);
  out[at + 1] = static_cast<char>(u >> 16);
  out[at + 2] = static_cast<char>(u >> 8);
  out[at + 3] = static_cast<char>(u);
}

std::vector<int16_t> ReadFormats(BodyReader& r, const char* field) {
  std::vector<int16_t> formats(r.Count(field, 2));
  for (auto& f : formats) f = r.Int16(field);
  return formats;
}

}  // namespace

std::string StartupMessage::Get(std::string_view name, std::string fallback) const {
  for (const auto& [key, value] : parameters) {
    if (key == name) return value;
  }
  return fallback;
}

StartupPacket DecodeStartupPacket(std::string_view body) {
  BodyReader r(body, "startup packet");
  const int32_t code = r.Int32("protocol version");
  if (code == kSslRequestCode || code == kGssEncRequestCode) {
    r.ExpectEnd();
    if (code == kSslRequestCode) return SslRequest{};
    return GssEncRequest{};
  }
  if (code == kCancelRequestCode) {
    CancelRequest cancel;
    cancel.process_id = r.Int32("process id");
    cancel.secret_key = r.Int32("secret key");
    r.ExpectEnd();
    return cancel;
  }
  StartupMessage startup;
  startup.protocol_version = code;
  if ((code >> 16) != 3) return startup;  // refused by the caller, whatever follows
  // Name/value pairs, ended by an empty name.
  for (;;) {
    std::string name = r.String("parameter name");
    if (name.empty()) break;
    std::string value = r.String("parameter value");
    startup.parameters.emplace_back(std::move(name), std::move(value));
  }
  r.ExpectEnd();
  return startup;
}

FrontendMessage DecodeFrontendMessage(char type, std::string_view body) {
  switch (type) {
    case 'Q': {
      BodyReader r(body, "Query");
      Query q{r.String("query string")};
      r.ExpectEnd();
      return q;
    }
    case 'P': {
      BodyReader r(body, "Parse");
      Parse p;
      p.name = r.String("statement name");
      p.sql = r.String("query string");
      p.parameter_types.resize(r.Count("parameter type count", 4));
      for (auto& oid : p.parameter_types) oid = static_cast<uint32_t>(r.Int32("parameter type"));
      r.ExpectEnd();
      return p;
    }
    case 'B': {
      BodyReader r(body, "Bind");
      Bind b;
      b.portal = r.String("portal name");
      b.statement = r.String("statement name");
      b.parameter_formats = ReadFormats(r, "parameter format count");
      const size_t n = r.Count("parameter count", 4);
      b.parameters.reserve(n);
      for (size_t i = 0; i < n; i++) {
        const int32_t length = r.Int32("parameter length");
        if (length == -1) {
          b.parameters.emplace_back(std::nullopt);
        } else if (length < 0) {
          r.Fail("parameter length", std::to_string(length) + " is invalid");
        } else {
          b.parameters.emplace_back(r.Bytes(static_cast<size_t>(length), "parameter value"));
        }
      }
      b.result_formats = ReadFormats(r, "result format count");
      r.ExpectEnd();
      return b;
    }
    case 'D':
    case 'C': {
      BodyReader r(body, type == 'D' ? "Describe" : "Close");
      const char kind = r.Byte("kind");
      if (kind != 'S' && kind != 'P') r.Fail("kind", std::string("'") + kind + "' is neither 'S' nor 'P'");
      std::string name = r.String("name");
      r.ExpectEnd();
      if (type == 'D') return Describe{kind, std::move(name)};
      return Close{kind, std::move(name)};
    }
    case 'E': {
      BodyReader r(body, "Execute");
      Execute e;
      e.portal = r.String("portal name");
      e.max_rows = r.Int32("row limit");
      r.ExpectEnd();
      return e;
    }
    case 'S':
      return Sync{};
    case 'H':
      return Flush{};
    case 'X':
      return Terminate{};
    case 'p':
      return PasswordMessage{std::string(body)};
    case 'd':
      return CopyData{std::string(body)};
    case 'c':
      return CopyDone{};
    case 'f': {
      BodyReader r(body, "CopyFail");
      CopyFail f{r.String("message")};
      r.ExpectEnd();
      return f;
    }
    case 'F':  // FunctionCall
      return Unsupported{type};
    default:
      throw ProtocolError("invalid frontend message type " + std::to_string(static_cast<unsigned char>(type)));
  }
}

SaslInitialResponse DecodeSaslInitialResponse(std::string_view body) {
  BodyReader r(body, "SASLInitialResponse");
  SaslInitialResponse response;
  response.mechanism = r.String("mechanism");
  const int32_t length = r.Int32("length");
  if (length != -1) {
    if (length < 0) r.Fail("length", std::to_string(length) + " is invalid");
    response.data = r.Bytes(static_cast<size_t>(length), "data");
  }
  r.ExpectEnd();
  return response;
}

int16_t FormatOf(const std::vector<int16_t>& formats, size_t i, size_t count, const char* what) {
  if (formats.size() > 1 && formats.size() != count) {
    throw ProtocolError("bind message has " + std::to_string(formats.size()) + " " + what + " formats but " +
                        std::to_string(count) + " " + what + "s");
  }
  const int16_t format = formats.empty() ? 0 : formats.size() == 1 ? formats[0] : formats[i];
  if (format != 0 && format != 1) {
    throw Exception(sqlstate::kFeatureNotSupported, "unsupported format code: " + std::to_string(format));
  }
  return format;
}

MessageWriter& MessageWriter::Begin(char type) {
  out_.push_back(type);
  start_ = out_.size();
  out_.append(4, '\0');
  return *this;
}

MessageWriter& MessageWriter::Int8(uint8_t v) {
  out_.push_back(static_cast<char>(v));
  return *this;
}

MessageWriter& MessageWriter::Int16(int16_t v) {
  const auto u = static_cast<uint16_t>(v);
  out_.push_back(static_cast<char>(u >> 8));
  out_.push_back(static_cast<char>(u));
  return *this;
}

MessageWriter& MessageWriter::Int32(int32_t v) {
  const size_t at = out_.size();
  out_.append(4, '\0');
  PutInt32(out_, at, v);
  return *this;
}

MessageWriter& MessageWriter::String(std::string_view s) {
  for (char c : s) {
    if (c != '\0') out_.push_back(c);
  }
  out_.push_back('\0');
  return *this;
}

MessageWriter& MessageWriter::Bytes(std::string_view b) {
  out_.append(b);
  return *this;
}

void MessageWriter::End() {
  PutInt32(out_, start_, static_cast<int32_t>(out_.size() - start_));
}

void WriteErrorResponse(std::string& out, const ErrorFields& error, char type) {
  MessageWriter w(out);
  w.Begin(type);
  w.Int8('S').String(error.severity);
  w.Int8('V').String(error.severity);
  w.Int8('C').String(error.sqlstate.empty() ? sqlstate::kInternalError : error.sqlstate);
  w.Int8('M').String(error.message);
  if (!error.detail.empty()) w.Int8('D').String(error.detail);
  if (!error.hint.empty()) w.Int8('H').String(error.hint);
  if (error.position > 0) w.Int8('P').String(std::to_string(error.position));
  w.Int8(0);
  w.End();
}

void WriteReadyForQuery(std::string& out, char status) {
  MessageWriter(out).Begin('Z').Int8(static_cast<uint8_t>(status)).End();
}

void WriteParameterStatus(std::string& out, std::string_view name, std::string_view value) {
  MessageWriter(out).Begin('S').String(name).String(value).End();
}

void WriteAuthentication(std::string& out, int32_t code, std::string_view data) {
  MessageWriter(out).Begin('R').Int32(code).Bytes(data).End();
}

void WriteCommandComplete(std::string& out, std::string_view tag) {
  MessageWriter(out).Begin('C').String(tag).End();
}

void WriteEmptyMessage(std::string& out, char type) {
  MessageWriter(out).Begin(type).End();
}

void WriteCopyResponse(std::string& out, char type, size_t columns) {
  MessageWriter w(out);
  w.Begin(type).Int8(0).Int16(static_cast<int16_t>(columns));  // overall format 0: text (CSV included)
  for (size_t c = 0; c < columns; c++) w.Int16(0);
  w.End();
}

}  // namespace basin::pgwire
