#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "main/database.h"
#include "server/pgwire/protocol.h"

namespace basin::pgwire {

/// Who a session is for, from the startup message and the authentication.
struct SessionInfo {
  std::string user;
  std::string database;
  std::string application_name;
  bool superuser = false;
  int32_t process_id = 0;  ///< BackendKeyData: with secret_key, what a CancelRequest names
  int32_t secret_key = 0;
};

/// One authenticated PostgreSQL session over a Connection to the database: the simple and extended query
/// protocols (prepared statements, portals with row limits, errors skipping to Sync) after startup, and
/// the transaction status ReadyForQuery reports. Transport-free: it takes decoded messages' bytes and gives
/// back the bytes to send through `send`, called with a full buffer, at every ReadyForQuery and on Flush
/// (`send` may block until the bytes are on their way: that is the back-pressure of large results).
/// Used by one thread at a time; Interrupt may come from any thread.
class Session {
 public:
  /// `send` takes the bytes and leaves the string empty (or cleared).
  Session(Database& db, SessionInfo info, std::function<void(std::string&)> send);
  ~Session();

  /// Send what follows AuthenticationOk: ParameterStatus for each reported setting, BackendKeyData and
  /// ReadyForQuery.
  void Begin();
  /// Where COPY FROM STDIN takes the client's next messages while it runs: `receive` waits for one (type
  /// and body) and returns false when the connection ends. Without it COPY FROM STDIN is refused.
  void SetReceive(std::function<bool(char& type, std::string& body)> receive) { receive_ = std::move(receive); }
  /// Handle one message (type byte and body). Returns false when the client said Terminate. Throws
  /// ProtocolError for a message that does not decode: the connection then ends with a FATAL error.
  bool Handle(char type, std::string_view body);
  /// Cancel the statement running now, if any (CancelRequest).
  void Interrupt() { connection_.Interrupt(); }

  const SessionInfo& info() const { return info_; }

 private:
  struct Statement {
    std::shared_ptr<const PreparedStatement> prepared;
    std::vector<uint32_t> parameter_oids;  ///< as declared by Parse, else of the inferred types
  };
  struct Portal {
    std::shared_ptr<const PreparedStatement> prepared;
    std::vector<uint32_t> parameter_oids;
    std::vector<Value> parameters;
    std::vector<int16_t> result_formats;
    std::unique_ptr<QueryResult> result;  ///< once run
    size_t next_row = 0;
  };

  void SimpleQuery(const std::string& sql);
  void ParseMessage(const Parse& parse);
  void BindMessage(const Bind& bind);
  void DescribeMessage(const Describe& describe);
  void ExecuteMessage(const Execute& execute);
  void CloseMessage(const Close& close);
  void SyncMessage();

  /// Run the portal's statement unless it ran already, keeping its rows; an error is thrown.
  void RunPortal(Portal& portal);
  /// Throw the error the portal's statement ended with (its result from then on: no rows).
  [[noreturn]] void RaisePortalError(Portal& portal);
  /// Where a statement's rows go as they are made: DataRows in `formats` (RowDescription first when
  /// `describe`), handed to `send` every 64 KiB.
  RowStream StreamRows(const std::vector<int16_t>& formats, bool describe);
  /// COPY FROM STDIN's input: the bytes of the client's CopyData messages until CopyDone (then 0); throws
  /// on CopyFail, a message other than Flush or Sync, or the connection's end.
  size_t ReadCopyData(char* dst, size_t size);
  /// RowDescription of `result`'s columns in `formats`.
  void WriteRowDescription(const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                           const std::vector<int16_t>& formats);
  /// DataRows of kept rows from row `from`, at most `limit` (0: all); returns the row after the last one
  /// sent.
  size_t WriteRows(const QueryResult& result, size_t from, size_t limit, const std::vector<int16_t>& formats);
  /// CommandComplete for `result` with `rows` rows sent (for a query) and the transaction status it changes.
  void Complete(const QueryResult& result, int64_t rows);
  /// ErrorResponse for a statement's error; `sql` and `offset` turn its byte position into PostgreSQL's.
  void WriteError(const ErrorInfo& error, std::string_view sql = {}, size_t offset = 0);
  void WriteError(const Exception& e);
  void WriteReady();
  /// Hand what is buffered to `send_`.
  void Flush();
  void FlushIfLarge();

  ::basin::Connection connection_;  // the database session (not this module's network Connection)
  SessionInfo info_;
  std::function<void(std::string&)> send_;
  std::string out_;
  std::map<std::string, Statement> statements_;
  std::map<std::string, Portal> portals_;
  bool in_transaction_ = false;  ///< between BEGIN and COMMIT or ROLLBACK
  bool skip_to_sync_ = false;    ///< an extended-protocol message failed: ignore all but Sync
  std::function<bool(char&, std::string&)> receive_;
  bool terminated_ = false;  ///< Terminate came during COPY FROM STDIN
  bool copy_out_ = false;    ///< COPY TO STDOUT started: CopyDone goes before its CommandComplete
  bool copy_in_done_ = false;
  std::string copy_in_;  ///< the CopyData being read
  size_t copy_in_at_ = 0;
};

}  // namespace basin::pgwire
