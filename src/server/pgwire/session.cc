#include "server/pgwire/session.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <variant>

#include "server/pgwire/value_codec.h"
#include "sql/parser/parser.h"
#include "types/pg_type.h"
#include "vector/vector.h"

namespace basin::pgwire {

namespace {

/// Buffered output beyond this goes to the client before more rows are made.
constexpr size_t kFlushBytes = 64 * 1024;

/// The count PostgreSQL puts after a command tag ("INSERT 0 3", "UPDATE 2"), or the tag alone.
std::string CompletionTag(const std::string& tag, int64_t rows) {
  if (tag == "SELECT" || tag == "UPDATE" || tag == "DELETE" || tag == "MERGE" || tag == "COPY") {
    return tag + " " + std::to_string(rows);
  }
  if (tag == "INSERT") return "INSERT 0 " + std::to_string(rows);
  return tag.empty() ? "SELECT " + std::to_string(rows) : tag;
}

std::string Quoted(const std::string& name) {
  return "\"" + name + "\"";
}

/// One DataRow of `columns` values, value(c) giving each, in the formats `format` (0 text, 1 binary).
template <class ValueOf>
void AppendDataRow(std::string& out, size_t columns, const std::vector<int16_t>& format, ValueOf&& value_of) {
  MessageWriter w(out);
  w.Begin('D').Int16(static_cast<int16_t>(columns));
  for (size_t c = 0; c < columns; c++) {
    const Value value = value_of(c);
    if (value.IsNull()) {
      w.Int32(-1);
      continue;
    }
    const size_t at = out.size();
    w.Int32(0);
    if (format[c] == 0) {
      EncodeText(value, out);
    } else {
      EncodeBinary(value, out);
    }
    const auto n = static_cast<uint32_t>(out.size() - at - 4);
    for (int i = 0; i < 4; i++) out[at + i] = static_cast<char>(n >> (8 * (3 - i)));
  }
  w.End();
}

}  // namespace

Session::Session(Database& db, SessionInfo info, std::function<void(std::string&)> send)
    : connection_(db), info_(std::move(info)), send_(std::move(send)) {
  connection_.SetSessionInfo(info_.user, info_.application_name, info_.process_id);
}

Session::~Session() = default;

void Session::Begin() {
  const std::pair<const char*, std::string> settings[] = {
      {"application_name", info_.application_name},
      {"client_encoding", "UTF8"},
      {"DateStyle", "ISO, MDY"},
      {"default_transaction_read_only", "off"},
      {"in_hot_standby", "off"},
      {"integer_datetimes", "on"},
      {"IntervalStyle", "postgres"},
      {"is_superuser", info_.superuser ? "on" : "off"},
      {"server_encoding", "UTF8"},
      {"server_version", kPgServerVersion},
      {"session_authorization", info_.user},
      {"standard_conforming_strings", "on"},
      {"TimeZone", "UTC"},
  };
  for (const auto& [name, value] : settings) WriteParameterStatus(out_, name, value);
  MessageWriter(out_).Begin('K').Int32(info_.process_id).Int32(info_.secret_key).End();
  WriteReady();
  Flush();
}

bool Session::Handle(char type, std::string_view body) {
  FrontendMessage message = DecodeFrontendMessage(type, body);
  if (std::holds_alternative<Terminate>(message)) return false;
  if (skip_to_sync_ && !std::holds_alternative<Sync>(message)) return true;
  try {
    std::visit(
        [&](auto& m) {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, Query>) {
            SimpleQuery(m.sql);
          } else if constexpr (std::is_same_v<M, Parse>) {
            ParseMessage(m);
          } else if constexpr (std::is_same_v<M, Bind>) {
            BindMessage(m);
          } else if constexpr (std::is_same_v<M, Describe>) {
            DescribeMessage(m);
          } else if constexpr (std::is_same_v<M, Execute>) {
            ExecuteMessage(m);
          } else if constexpr (std::is_same_v<M, Close>) {
            CloseMessage(m);
          } else if constexpr (std::is_same_v<M, Sync>) {
            SyncMessage();
          } else if constexpr (std::is_same_v<M, pgwire::Flush>) {
            Flush();
          } else if constexpr (std::is_same_v<M, PasswordMessage>) {
            throw ProtocolError("unexpected password message after authentication");
          } else if constexpr (std::is_same_v<M, CopyData> || std::is_same_v<M, CopyDone> ||
                               std::is_same_v<M, CopyFail>) {
            // Outside COPY (after one failed, say) these are dropped, as PostgreSQL does.
          } else if constexpr (std::is_same_v<M, Unsupported>) {
            if (m.type == 'F') throw Exception(sqlstate::kFeatureNotSupported, "the function call protocol is not supported");
          }
        },
        message);
  } catch (const ProtocolError&) {
    throw;
  } catch (const Exception& e) {
    // An extended-protocol message failed: report it and skip to the next Sync.
    WriteError(e);
    skip_to_sync_ = true;
  }
  return !terminated_;
}

// ---- Simple query ----

void Session::SimpleQuery(const std::string& sql) {
  // The unnamed statement and portal do not survive a simple query.
  statements_.erase("");
  portals_.erase("");
  if (!IsValidUtf8(sql)) {
    WriteError(ErrorInfo{"22021", "invalid byte sequence for encoding \"UTF8\"", -1});
    WriteReady();
    Flush();
    return;
  }
  const auto pieces = sql::SplitStatements(sql);
  if (pieces.empty()) WriteEmptyMessage(out_, 'I');
  for (const auto& piece : pieces) {
    // Rows go out as the engine makes them (RowDescription first), so a large result is never held whole.
    std::unique_ptr<QueryResult> result = connection_.Query(piece.text, StreamRows({}, /*describe=*/true));
    if (result->HasError()) {
      Complete(*result, 0);  // a failed COMMIT or ROLLBACK still ends the block
      WriteError(result->error(), sql, piece.offset);
      break;  // the rest of the string is not run, as in PostgreSQL
    }
    Complete(*result, static_cast<int64_t>(result->RowCount()));
  }
  WriteReady();
  Flush();
}

RowStream Session::StreamRows(const std::vector<int16_t>& formats, bool describe) {
  auto format = std::make_shared<std::vector<int16_t>>();
  return {[this, formats, describe, format](const std::vector<std::string>& names,
                                            const std::vector<LogicalType>& types) {
            for (size_t c = 0; c < names.size(); c++)
              format->push_back(FormatOf(formats, c, names.size(), "result"));
            if (describe) WriteRowDescription(names, types, formats);
          },
          [this, format](const DataChunk& chunk) {
            for (size_t row = 0; row < chunk.size(); row++) {
              AppendDataRow(out_, format->size(), *format, [&](size_t c) { return chunk.GetValue(c, row); });
              FlushIfLarge();
            }
            return true;
          },
          // COPY FROM STDIN / TO STDOUT: the COPY sub-protocol.
          [this](size_t columns, bool from) {
            if (from && !receive_) {
              throw Exception(sqlstate::kFeatureNotSupported, "COPY FROM STDIN is not supported on this connection");
            }
            WriteCopyResponse(out_, from ? 'G' : 'H', columns);
            if (from) {
              copy_in_.clear();
              copy_in_at_ = 0;
              copy_in_done_ = false;
              Flush();  // the client sends the data once it sees CopyInResponse
            } else {
              copy_out_ = true;
            }
          },
          [this](char* dst, size_t size) { return ReadCopyData(dst, size); },
          [this](std::string_view bytes) {
            MessageWriter(out_).Begin('d').Bytes(bytes).End();
            FlushIfLarge();
          }};
}

size_t Session::ReadCopyData(char* dst, size_t size) {
  while (copy_in_at_ == copy_in_.size()) {
    if (copy_in_done_) return 0;
    char type = 0;
    std::string body;
    if (!receive_(type, body)) throw Exception("08006", "connection ended during COPY FROM STDIN");
    FrontendMessage message = DecodeFrontendMessage(type, body);
    if (auto* data = std::get_if<CopyData>(&message)) {
      copy_in_ = std::move(data->data);
      copy_in_at_ = 0;
    } else if (std::holds_alternative<CopyDone>(message)) {
      copy_in_done_ = true;
    } else if (auto* fail = std::get_if<CopyFail>(&message)) {
      throw Exception(sqlstate::kQueryCanceled, "COPY from stdin failed: " + fail->message);
    } else if (std::holds_alternative<Terminate>(message)) {
      terminated_ = true;
      throw Exception("08006", "connection ended during COPY FROM STDIN");
    } else if (!std::holds_alternative<Sync>(message) && !std::holds_alternative<pgwire::Flush>(message)) {
      // Flush and Sync are ignored in copy-in mode; anything else ends it.
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(type));
      throw Exception("08P01", std::string("unexpected message type ") + hex + " during COPY from stdin");
    }
  }
  const size_t n = std::min(size, copy_in_.size() - copy_in_at_);
  std::memcpy(dst, copy_in_.data() + copy_in_at_, n);
  copy_in_at_ += n;
  return n;
}

// ---- Extended query ----

void Session::ParseMessage(const Parse& parse) {
  if (!parse.name.empty() && statements_.count(parse.name)) {
    throw Exception("42P05", "prepared statement " + Quoted(parse.name) + " already exists");
  }
  if (!IsValidUtf8(parse.sql)) throw Exception("22021", "invalid byte sequence for encoding \"UTF8\"");
  std::vector<LogicalType> declared;
  for (uint32_t oid : parse.parameter_types) declared.push_back(TypeFromPgOid(oid));
  std::shared_ptr<const PreparedStatement> prepared = connection_.Prepare(parse.sql, declared);
  if (prepared->HasError()) {
    const ErrorInfo& error = prepared->error();
    throw Exception(error.sqlstate, error.message,
                    error.position >= 0 ? CharacterPosition(parse.sql, static_cast<size_t>(error.position)) : -1);
  }
  Statement statement;
  statement.prepared = prepared;
  const auto& types = prepared->parameter_types();
  for (size_t i = 0; i < types.size(); i++) {
    const uint32_t declared_oid = i < parse.parameter_types.size() ? parse.parameter_types[i] : 0;
    statement.parameter_oids.push_back(declared_oid != 0 ? declared_oid : PgTypeOid(types[i]));
  }
  statements_[parse.name] = std::move(statement);
  WriteEmptyMessage(out_, '1');  // ParseComplete
}

void Session::BindMessage(const Bind& bind) {
  auto it = statements_.find(bind.statement);
  if (it == statements_.end()) {
    throw Exception("26000", "prepared statement " + Quoted(bind.statement) + " does not exist");
  }
  const Statement& statement = it->second;
  const size_t count = statement.parameter_oids.size();
  if (bind.parameters.size() != count) {
    throw Exception("08P01", "bind message supplies " + std::to_string(bind.parameters.size()) +
                                 " parameters, but prepared statement " + Quoted(bind.statement) + " requires " +
                                 std::to_string(count));
  }
  if (!bind.portal.empty() && portals_.count(bind.portal)) {
    throw Exception("42P03", "cursor " + Quoted(bind.portal) + " already exists");
  }
  Portal portal;
  portal.prepared = statement.prepared;
  portal.parameter_oids = statement.parameter_oids;
  for (size_t i = 0; i < count; i++) {
    const auto& bytes = bind.parameters[i];
    const int16_t format = FormatOf(bind.parameter_formats, i, count, "parameter");
    if (!bytes) {
      portal.parameters.emplace_back();
    } else if (format == 0) {
      if (!IsValidUtf8(*bytes)) throw Exception("22021", "invalid byte sequence for encoding \"UTF8\"");
      portal.parameters.push_back(Value::Varchar(*bytes));
    } else {
      try {
        portal.parameters.push_back(DecodeBinary(*bytes, statement.parameter_oids[i]));
      } catch (const Exception& e) {
        throw Exception(e.sqlstate(), e.message() + " in bind parameter " + std::to_string(i + 1));
      }
    }
  }
  if (statement.prepared->returns_rows()) {
    const size_t columns = statement.prepared->types().size();
    for (size_t i = 0; i < columns; i++) (void)FormatOf(bind.result_formats, i, columns, "result");
  }
  portal.result_formats = bind.result_formats;
  portals_[bind.portal] = std::move(portal);
  WriteEmptyMessage(out_, '2');  // BindComplete
}

void Session::DescribeMessage(const Describe& describe) {
  if (describe.kind == 'S') {
    auto it = statements_.find(describe.name);
    if (it == statements_.end()) {
      throw Exception("26000", "prepared statement " + Quoted(describe.name) + " does not exist");
    }
    const Statement& statement = it->second;
    MessageWriter w(out_);
    w.Begin('t').Int16(static_cast<int16_t>(statement.parameter_oids.size()));
    for (uint32_t oid : statement.parameter_oids) w.Int32(static_cast<int32_t>(oid));
    w.End();
    if (statement.prepared->returns_rows()) {
      WriteRowDescription(statement.prepared->names(), statement.prepared->types(), {});
    } else {
      WriteEmptyMessage(out_, 'n');  // NoData
    }
    return;
  }
  auto it = portals_.find(describe.name);
  if (it == portals_.end()) throw Exception("34000", "portal " + Quoted(describe.name) + " does not exist");
  Portal& portal = it->second;
  if (!portal.result && portal.prepared->tag() == "COPY") {
    WriteEmptyMessage(out_, 'n');  // NoData: COPY's data goes through the COPY sub-protocol at Execute
    return;
  }
  if (!portal.result && portal.prepared->returns_rows()) {
    WriteRowDescription(portal.prepared->names(), portal.prepared->types(), portal.result_formats);
    return;
  }
  // Other statements' columns are known from their result: SHOW and the like describe themselves so.
  RunPortal(portal);
  if (portal.result->kind() == QueryResult::Kind::kRows) {
    WriteRowDescription(portal.result->names(), portal.result->types(), portal.result_formats);
  } else {
    WriteEmptyMessage(out_, 'n');
  }
}

void Session::RunPortal(Portal& portal) {
  if (portal.result) return;
  portal.result = connection_.Execute(*portal.prepared, portal.parameters);
  if (portal.result->HasError()) RaisePortalError(portal);
}

void Session::RaisePortalError(Portal& portal) {
  Complete(*portal.result, 0);
  const ErrorInfo error = portal.result->error();
  portal.result = QueryResult::Count(0);
  portal.result->set_tag(portal.prepared->tag());
  const std::string& sql = portal.prepared->sql();
  throw Exception(error.sqlstate, error.message,
                  error.position >= 0 ? CharacterPosition(sql, static_cast<size_t>(error.position)) : -1);
}

void Session::ExecuteMessage(const Execute& execute) {
  auto it = portals_.find(execute.portal);
  if (it == portals_.end()) throw Exception("34000", "portal " + Quoted(execute.portal) + " does not exist");
  Portal& portal = it->second;
  if (portal.prepared->empty()) {
    WriteEmptyMessage(out_, 'I');  // EmptyQueryResponse
    return;
  }
  if (!portal.result && execute.max_rows <= 0) {
    // Without a row limit the rows go out as they are made.
    portal.result = connection_.Execute(*portal.prepared, portal.parameters,
                                        StreamRows(portal.result_formats, /*describe=*/false));
    if (portal.result->HasError()) RaisePortalError(portal);
    portal.next_row = portal.result->RowCount();
    Complete(*portal.result, static_cast<int64_t>(portal.next_row));
    return;
  }
  RunPortal(portal);
  const QueryResult& result = *portal.result;
  if (result.kind() != QueryResult::Kind::kRows) {
    Complete(result, result.rows_affected());
    return;
  }
  const size_t limit = execute.max_rows > 0 ? static_cast<size_t>(execute.max_rows) : 0;
  const size_t from = portal.next_row;
  portal.next_row = WriteRows(result, from, limit, portal.result_formats);
  if (portal.next_row < result.RowCount()) {
    WriteEmptyMessage(out_, 's');  // PortalSuspended: Execute again for more
    return;
  }
  Complete(result, static_cast<int64_t>(portal.next_row - from));
}

void Session::CloseMessage(const Close& close) {
  if (close.kind == 'S') {
    statements_.erase(close.name);
  } else {
    portals_.erase(close.name);
  }
  WriteEmptyMessage(out_, '3');  // CloseComplete
}

void Session::SyncMessage() {
  skip_to_sync_ = false;
  // Sync ends the implicit transaction, and portals with it; inside BEGIN they last until COMMIT.
  if (!in_transaction_) portals_.clear();
  WriteReady();
  Flush();
}

// ---- Output ----

void Session::WriteRowDescription(const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                                  const std::vector<int16_t>& formats) {
  MessageWriter w(out_);
  w.Begin('T').Int16(static_cast<int16_t>(names.size()));
  for (size_t i = 0; i < names.size(); i++) {
    w.String(names[i]);
    w.Int32(0);  // table OID
    w.Int16(0);  // column number
    w.Int32(static_cast<int32_t>(PgTypeOid(types[i])));
    w.Int16(PgTypeLength(types[i]));
    w.Int32(PgTypeModifier(types[i]));
    w.Int16(FormatOf(formats, i, names.size(), "result"));
  }
  w.End();
}

size_t Session::WriteRows(const QueryResult& result, size_t from, size_t limit, const std::vector<int16_t>& formats) {
  const size_t columns = result.ColumnCount();
  std::vector<int16_t> format(columns);
  for (size_t c = 0; c < columns; c++) format[c] = FormatOf(formats, c, columns, "result");
  const size_t end = limit > 0 ? std::min(result.RowCount(), from + limit) : result.RowCount();
  for (size_t row = from; row < end; row++) {
    AppendDataRow(out_, columns, format, [&](size_t c) { return result.GetValue(c, row); });
    FlushIfLarge();
  }
  return end;
}

void Session::Complete(const QueryResult& result, int64_t rows) {
  const std::string& tag = result.tag();
  if (tag == "BEGIN" && !result.HasError()) in_transaction_ = true;
  if (tag == "COMMIT" || tag == "ROLLBACK") in_transaction_ = false;
  const bool copied_out = copy_out_;
  copy_out_ = false;
  if (result.HasError()) return;
  if (copied_out) WriteEmptyMessage(out_, 'c');  // CopyDone
  WriteCommandComplete(out_, CompletionTag(tag, result.kind() == QueryResult::Kind::kRows ? rows : result.rows_affected()));
}

void Session::WriteError(const ErrorInfo& error, std::string_view sql, size_t offset) {
  ErrorFields fields;
  fields.sqlstate = error.sqlstate;
  fields.message = error.message;
  if (error.position >= 0 && !sql.empty()) {
    fields.position = CharacterPosition(sql, offset + static_cast<size_t>(error.position));
  }
  WriteErrorResponse(out_, fields);
}

void Session::WriteError(const Exception& e) {
  ErrorFields fields;
  fields.sqlstate = e.sqlstate();
  fields.message = e.message();
  if (e.position() > 0) fields.position = e.position();
  WriteErrorResponse(out_, fields);
}

void Session::WriteReady() {
  WriteReadyForQuery(out_, in_transaction_ ? 'T' : 'I');
}

void Session::Flush() {
  if (!out_.empty()) send_(out_);
  out_.clear();
}

void Session::FlushIfLarge() {
  if (out_.size() >= kFlushBytes) Flush();
}

}  // namespace basin::pgwire
