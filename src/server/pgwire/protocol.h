#pragma once

// PostgreSQL's frontend/backend protocol, version 3.0 (https://www.postgresql.org/docs/16/protocol.html):
// the messages a client sends, decoded from untrusted bytes into structs, and a writer for the messages the
// server sends. A message is a type byte, an int32 length that counts itself, and a body; the first one a
// client sends (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) has no type byte.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/exception.h"

namespace basin::pgwire {

/// A message that does not decode (08P01 protocol_violation): the message names the field and problem.
class ProtocolError : public Exception {
 public:
  explicit ProtocolError(const std::string& message) : Exception("08P01", message) {}
};

// ---- Before the session: the untyped first message (and the one after an SSL or GSSAPI refusal) ----

inline constexpr int32_t kProtocolVersion3 = 196608;  // 3.0: major 3 << 16 | minor 0
inline constexpr int32_t kSslRequestCode = 80877103;
inline constexpr int32_t kGssEncRequestCode = 80877104;
inline constexpr int32_t kCancelRequestCode = 80877102;
/// Startup packets above this are refused (PostgreSQL's MAX_STARTUP_PACKET_LENGTH).
inline constexpr size_t kMaxStartupPacket = 10000;

struct StartupMessage {
  int32_t protocol_version = kProtocolVersion3;
  std::vector<std::pair<std::string, std::string>> parameters;  ///< user, database, application_name, ...
  /// The value of parameter `name`, or `fallback`.
  std::string Get(std::string_view name, std::string fallback = "") const;
};
struct SslRequest {};
struct GssEncRequest {};
struct CancelRequest {
  int32_t process_id = 0;
  int32_t secret_key = 0;
};
using StartupPacket = std::variant<StartupMessage, SslRequest, GssEncRequest, CancelRequest>;

/// Decode the body (after the length) of an untyped first packet. Throws ProtocolError.
StartupPacket DecodeStartupPacket(std::string_view body);

// ---- Frontend messages of a session ----

/// Simple query ('Q'): one or more statements.
struct Query {
  std::string sql;
};
/// Parse ('P'): a statement to prepare, with the OIDs of the parameters the client declares (0: infer).
struct Parse {
  std::string name;
  std::string sql;
  std::vector<uint32_t> parameter_types;
};
/// Bind ('B'): a portal over a prepared statement, with parameter values and the result columns' formats.
struct Bind {
  std::string portal;
  std::string statement;
  std::vector<int16_t> parameter_formats;  ///< none: all text; one: all of that format; else one each
  std::vector<std::optional<std::string>> parameters;  ///< nullopt: NULL
  std::vector<int16_t> result_formats;     ///< as parameter_formats, per result column
};
/// Describe ('D') and Close ('C'): 'S' for a prepared statement, 'P' for a portal.
struct Describe {
  char kind = 'S';
  std::string name;
};
struct Close {
  char kind = 'S';
  std::string name;
};
/// Execute ('E'): run a portal, returning at most max_rows rows (0: all).
struct Execute {
  std::string portal;
  int32_t max_rows = 0;
};
struct Sync {};
struct Flush {};
struct Terminate {};
/// 'p': the password message, which carries what the authentication asked for: a SASLInitialResponse, a
/// SASLResponse or a password. Kept raw; DecodeSaslInitialResponse reads the first form.
struct PasswordMessage {
  std::string data;
};
/// CopyData ('d'): a piece of COPY FROM STDIN's input (any cut: rows may span messages).
struct CopyData {
  std::string data;
};
/// CopyDone ('c'): the end of COPY FROM STDIN's input.
struct CopyDone {};
/// CopyFail ('f'): the client abandons COPY FROM STDIN, saying why.
struct CopyFail {
  std::string message;
};
/// FunctionCall: not spoken by this server; answered with an error.
struct Unsupported {
  char type = 0;
};

using FrontendMessage = std::variant<Query, Parse, Bind, Describe, Close, Execute, Sync, Flush, Terminate,
                                     PasswordMessage, CopyData, CopyDone, CopyFail, Unsupported>;

/// Decode a typed frontend message from its type byte and body. Throws ProtocolError.
FrontendMessage DecodeFrontendMessage(char type, std::string_view body);

/// SASLInitialResponse: the mechanism the client chose and its first message.
struct SaslInitialResponse {
  std::string mechanism;
  std::string data;
};
SaslInitialResponse DecodeSaslInitialResponse(std::string_view body);

/// The format code (0 text, 1 binary) of column or parameter `i` of `count` given `formats` as Bind carries
/// them. Throws ProtocolError for a code other than 0 or 1 or a list of the wrong length.
int16_t FormatOf(const std::vector<int16_t>& formats, size_t i, size_t count, const char* what);

// ---- Backend messages ----

/// Builds backend messages into one buffer: Begin(type), the fields, End() (which fills in the length).
class MessageWriter {
 public:
  explicit MessageWriter(std::string& out) : out_(out) {}

  MessageWriter& Begin(char type);
  MessageWriter& Int8(uint8_t v);
  MessageWriter& Int16(int16_t v);
  MessageWriter& Int32(int32_t v);
  /// A NUL-terminated string (a NUL inside `s` is dropped: it cannot be sent).
  MessageWriter& String(std::string_view s);
  MessageWriter& Bytes(std::string_view b);
  void End();

  std::string& buffer() { return out_; }

 private:
  std::string& out_;
  size_t start_ = 0;
};

/// The fields of an ErrorResponse or NoticeResponse.
struct ErrorFields {
  std::string severity = "ERROR";  ///< ERROR, FATAL, WARNING, NOTICE
  std::string sqlstate;
  std::string message;
  std::string detail;
  std::string hint;
  int64_t position = 0;  ///< 1-based character position in the query text; 0: none
};

void WriteErrorResponse(std::string& out, const ErrorFields& error, char type = 'E');
void WriteReadyForQuery(std::string& out, char status);
void WriteParameterStatus(std::string& out, std::string_view name, std::string_view value);
void WriteAuthentication(std::string& out, int32_t code, std::string_view data = {});
void WriteCommandComplete(std::string& out, std::string_view tag);
void WriteEmptyMessage(std::string& out, char type);  ///< ParseComplete '1', BindComplete '2', ...
/// CopyInResponse ('G') or CopyOutResponse ('H'): textual COPY (text or CSV) of `columns` columns.
void WriteCopyResponse(std::string& out, char type, size_t columns);

}  // namespace basin::pgwire
