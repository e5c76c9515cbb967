// libpq, the C client most PostgreSQL drivers wrap or copy, against `basin server`'s PostgreSQL protocol:
// the extended protocol (PQprepare / PQexecPrepared with declared and inferred parameter types, text and
// binary parameters and results), errors with their SQLSTATE and position, and cancellation (PQcancel) of
// a sleeping statement and of a long join, and a large result through the extended protocol read a row at
// a time (PQsetSingleRowMode), its count and sum checked.
//
//   pg_client_test extended|cancel|large|copy CONNINFO

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <poll.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

int failures = 0;

void Check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    failures++;
  }
}

/// Run `sql` and expect `status`; the result (caller clears) or null.
PGresult* Exec(PGconn* conn, const char* sql, ExecStatusType status = PGRES_COMMAND_OK) {
  PGresult* r = PQexec(conn, sql);
  if (PQresultStatus(r) != status) {
    Check(false, std::string(sql) + ": " + PQresStatus(PQresultStatus(r)) + " " + PQresultErrorMessage(r));
  }
  return r;
}

uint32_t BigEndian32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return ntohl(v);
}

uint64_t BigEndian64(const char* p) {
  return (uint64_t{BigEndian32(p)} << 32) | BigEndian32(p + 4);
}

std::string Be32(uint32_t v) {
  v = htonl(v);
  return std::string(reinterpret_cast<const char*>(&v), 4);
}

std::string Be64(uint64_t v) {
  return Be32(static_cast<uint32_t>(v >> 32)) + Be32(static_cast<uint32_t>(v));
}

void Extended(PGconn* conn) {
  PQclear(Exec(conn, "DROP TABLE IF EXISTS items"));
  PQclear(Exec(conn, "CREATE TABLE items (id INTEGER NOT NULL, name VARCHAR, price DECIMAL(10,2), "
                     "big BIGINT, ratio DOUBLE, ok BOOLEAN, day DATE, at TIMESTAMP)"));

  // Declared types, text parameters.
  const Oid insert_types[] = {23, 1043, 1700, 20, 701, 16, 1082, 1114};
  PGresult* r = PQprepare(conn, "insert_item", "INSERT INTO items VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", 8,
                          insert_types);
  Check(PQresultStatus(r) == PGRES_COMMAND_OK, std::string("prepare insert: ") + PQresultErrorMessage(r));
  PQclear(r);
  const char* row1[] = {"1", "apple", "1.25", "10000000000", "0.5", "true", "2024-01-02", "2024-01-02 03:04:05.5"};
  r = PQexecPrepared(conn, "insert_item", 8, row1, nullptr, nullptr, 0);
  Check(PQresultStatus(r) == PGRES_COMMAND_OK && std::string(PQcmdTuples(r)) == "1",
        std::string("insert with text parameters: ") + PQresultErrorMessage(r));
  PQclear(r);

  // Binary parameters: int4, text, numeric as text (libpq sends it so), int8, float8, bool, date, timestamp.
  const std::string id = Be32(2), big = Be64(uint64_t{1} << 40), day = Be32(8767);  // 2024-01-02 - 2000-01-01
  double ratio = 2.5;
  uint64_t ratio_bits;
  std::memcpy(&ratio_bits, &ratio, 8);
  const std::string ratio_be = Be64(ratio_bits), ok(1, '\0');
  const std::string at = Be64(uint64_t{757479845} * 1000000);  // 2024-01-02 03:04:05 since 2000
  const char* row2[] = {id.data(), "banana", "2.50", big.data(), ratio_be.data(), ok.data(), day.data(), at.data()};
  const int lengths[] = {4, 6, 4, 8, 8, 1, 4, 8};
  const int formats[] = {1, 0, 0, 1, 1, 1, 1, 1};
  r = PQexecPrepared(conn, "insert_item", 8, row2, lengths, formats, 0);
  Check(PQresultStatus(r) == PGRES_COMMAND_OK, std::string("insert with binary parameters: ") + PQresultErrorMessage(r));
  PQclear(r);

  // Inferred types: $1 compares with an INTEGER column.
  r = PQprepare(conn, "by_id", "SELECT id, name, price, big, ratio, ok, day, at FROM items WHERE id >= $1 ORDER BY id", 0,
                nullptr);
  Check(PQresultStatus(r) == PGRES_COMMAND_OK, std::string("prepare select: ") + PQresultErrorMessage(r));
  PQclear(r);
  r = PQdescribePrepared(conn, "by_id");
  Check(PQnparams(r) == 1 && PQparamtype(r, 0) == 23, "the parameter's type is inferred as int4");
  Check(PQnfields(r) == 8 && PQftype(r, 0) == 23 && PQftype(r, 2) == 1700 && PQfmod(r, 2) == ((10 << 16) | 2) + 4 &&
            PQftype(r, 7) == 1114,
        "the described columns have PostgreSQL's type OIDs");
  PQclear(r);

  const char* from[] = {"1"};
  r = PQexecPrepared(conn, "by_id", 1, from, nullptr, nullptr, 0);
  Check(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 2, std::string("select, text: ") + PQresultErrorMessage(r));
  if (PQntuples(r) == 2) {
    Check(std::string(PQgetvalue(r, 0, 1)) == "apple" && std::string(PQgetvalue(r, 0, 2)) == "1.25" &&
              std::string(PQgetvalue(r, 0, 5)) == "t" && std::string(PQgetvalue(r, 0, 7)) == "2024-01-02 03:04:05.5",
          "text results: apple 1.25 t 2024-01-02 03:04:05.5");
    Check(std::string(PQgetvalue(r, 1, 3)) == "1099511627776" && std::string(PQgetvalue(r, 1, 6)) == "2024-01-02" &&
              std::string(PQgetvalue(r, 1, 5)) == "f",
          "text results of the binary inserts");
  }
  PQclear(r);

  // Binary results.
  const std::string two = Be32(2);
  const char* binary_from[] = {two.data()};
  const int four[] = {4};
  const int binary[] = {1};
  r = PQexecPrepared(conn, "by_id", 1, binary_from, four, binary, 1);
  Check(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, std::string("select, binary: ") + PQresultErrorMessage(r));
  if (PQntuples(r) == 1) {
    Check(PQfformat(r, 0) == 1 && PQgetlength(r, 0, 0) == 4 && BigEndian32(PQgetvalue(r, 0, 0)) == 2, "binary int4");
    Check(std::string(PQgetvalue(r, 0, 1), PQgetlength(r, 0, 1)) == "banana", "binary text");
    // numeric 2.50: 1 digit, weight 0, positive, dscale 2, digits [2, 5000].
    const char* n = PQgetvalue(r, 0, 2);
    Check(PQgetlength(r, 0, 2) == 12 && ntohs(*reinterpret_cast<const uint16_t*>(n)) == 2 &&
              ntohs(*reinterpret_cast<const uint16_t*>(n + 6)) == 2 && ntohs(*reinterpret_cast<const uint16_t*>(n + 8)) == 2 &&
              ntohs(*reinterpret_cast<const uint16_t*>(n + 10)) == 5000,
          "binary numeric 2.50");
    Check(BigEndian64(PQgetvalue(r, 0, 3)) == (uint64_t{1} << 40), "binary int8");
    uint64_t bits = BigEndian64(PQgetvalue(r, 0, 4));
    double d;
    std::memcpy(&d, &bits, 8);
    Check(d == 2.5, "binary float8");
    Check(PQgetlength(r, 0, 5) == 1 && PQgetvalue(r, 0, 5)[0] == 0, "binary bool");
    Check(BigEndian32(PQgetvalue(r, 0, 6)) == 8767, "binary date");
    Check(BigEndian64(PQgetvalue(r, 0, 7)) == uint64_t{757479845} * 1000000, "binary timestamp");
  }
  PQclear(r);

  // NULL parameters, and PQexecParams (the unnamed statement).
  const char* null_param[] = {nullptr};
  r = PQexecParams(conn, "SELECT count(*) FROM items WHERE name = $1", 1, nullptr, null_param, nullptr, nullptr, 0);
  Check(PQresultStatus(r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r, 0, 0)) == "0", "a NULL parameter matches nothing");
  PQclear(r);
  const char* texts[] = {"apple"};
  r = PQexecParams(conn, "SELECT upper($1), $1 || '!', length($1)", 1, nullptr, texts, nullptr, nullptr, 0);
  Check(PQresultStatus(r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r, 0, 0)) == "APPLE" &&
            std::string(PQgetvalue(r, 0, 1)) == "apple!" && std::string(PQgetvalue(r, 0, 2)) == "5",
        std::string("unknown-typed parameters take their context's type: ") + PQresultErrorMessage(r));
  PQclear(r);

  // Errors: SQLSTATE and position; a wrong parameter count; the session goes on.
  r = PQexecParams(conn, "SELECT nope FROM items", 0, nullptr, nullptr, nullptr, nullptr, 0);
  Check(PQresultStatus(r) == PGRES_FATAL_ERROR, "an unknown column fails");
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* position = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
  Check(state && std::string(state) == "42703", "SQLSTATE 42703");
  Check(position && std::string(position) == "8", "error position 8");
  PQclear(r);
  r = PQexecPrepared(conn, "by_id", 0, nullptr, nullptr, nullptr, 0);
  state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  Check(PQresultStatus(r) == PGRES_FATAL_ERROR && state && std::string(state) == "08P01", "too few parameters: 08P01");
  PQclear(r);
  const char* bad[] = {"not a number"};
  r = PQexecPrepared(conn, "by_id", 1, bad, nullptr, nullptr, 0);
  state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  Check(PQresultStatus(r) == PGRES_FATAL_ERROR && state && std::string(state) == "22P02",
        "a parameter that is not an integer: 22P02");
  PQclear(r);
  r = Exec(conn, "SELECT 1 + 1", PGRES_TUPLES_OK);
  Check(std::string(PQgetvalue(r, 0, 0)) == "2", "the session goes on after errors");
  PQclear(r);

  // Several statements in one simple query: one result each, and the command tags.
  Check(PQsendQuery(conn, "INSERT INTO items (id) VALUES (3), (4); UPDATE items SET name = 'x' WHERE id > 2; "
                          "SELECT id FROM items ORDER BY id; DELETE FROM items WHERE id = 4") == 1,
        "send a multi-statement query");
  std::vector<std::string> tags;
  while ((r = PQgetResult(conn)) != nullptr) {
    tags.push_back(PQcmdStatus(r));
    PQclear(r);
  }
  Check(tags == std::vector<std::string>{"INSERT 0 2", "UPDATE 2", "SELECT 4", "DELETE 1"}, "command tags of each statement");

  // Array results in text.
  r = Exec(conn, "SELECT ARRAY[1, NULL, 3], ARRAY['a b', 'c\"d', '']", PGRES_TUPLES_OK);
  Check(PQftype(r, 0) == 1007 && std::string(PQgetvalue(r, 0, 0)) == "{1,NULL,3}" &&
            std::string(PQgetvalue(r, 0, 1)) == "{\"a b\",\"c\\\"d\",\"\"}",
        std::string("arrays as text: ") + PQgetvalue(r, 0, 0) + " " + PQgetvalue(r, 0, 1));
  PQclear(r);
  PQclear(Exec(conn, "DROP TABLE items"));
}

/// Cancel `sql` (sent asynchronously): PQcancel until the statement ends, which must be with 57014. Each
/// cancel is aimed at the statement running then; one that arrives before it starts is lost, so retry.
void CancelWhileRunning(PGconn* conn, const char* sql) {
  const auto start = std::chrono::steady_clock::now();
  Check(PQsendQuery(conn, sql) == 1, std::string("send ") + sql);
  PGcancel* cancel = PQgetCancel(conn);
  char error[256];
  bool done = false;
  while (!done && std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
    Check(PQcancel(cancel, error, sizeof(error)) == 1, std::string("PQcancel: ") + error);
    pollfd fd{PQsocket(conn), POLLIN, 0};
    ::poll(&fd, 1, 200);  // wait for an answer, or cancel again
    PQconsumeInput(conn);
    done = !PQisBusy(conn);
  }
  PQfreeCancel(cancel);
  PGresult* r = PQgetResult(conn);
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  Check(r && PQresultStatus(r) == PGRES_FATAL_ERROR && state && std::string(state) == "57014",
        std::string("cancelled with 57014: ") + sql + " " + (r ? PQresultErrorMessage(r) : "no result"));
  Check(std::string(r ? PQresultErrorMessage(r) : "").find("canceling statement due to user request") != std::string::npos,
        "the cancel message");
  PQclear(r);
  while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
  Check(std::chrono::steady_clock::now() - start < std::chrono::seconds(20), "the cancel took effect quickly");
}

void Cancel(PGconn* conn) {
  CancelWhileRunning(conn, "SELECT pg_sleep(60)");
  // A join of 10^10 rows: cancelled between chunks.
  CancelWhileRunning(conn, "SELECT count(*) FROM range(0, 100000) a(x), range(0, 100000) b(y) WHERE x + y < 0");
  PGresult* r = Exec(conn, "SELECT 42", PGRES_TUPLES_OK);
  Check(std::string(PQgetvalue(r, 0, 0)) == "42", "the session works after a cancel");
  PQclear(r);
}

/// Two million rows of about 110 bytes through Parse/Bind/Execute, read one at a time: the server streams
/// them (pg_psql_test.sh watches its memory).
void Large(PGconn* conn) {
  const char* sql = "SELECT g, repeat('x', 100) FROM generate_series(1, $1::INTEGER) g(g)";
  const char* values[] = {"2000000"};
  Check(PQsendQueryParams(conn, sql, 1, nullptr, values, nullptr, nullptr, 0) == 1, PQerrorMessage(conn));
  Check(PQsetSingleRowMode(conn) == 1, "single-row mode");
  int64_t rows = 0;
  int64_t sum = 0;
  bool ok = true;
  while (PGresult* r = PQgetResult(conn)) {
    if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
      rows++;
      sum += std::stoll(PQgetvalue(r, 0, 0));
      ok &= PQgetlength(r, 0, 1) == 100;
    } else if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      Check(false, std::string("large result: ") + PQresultErrorMessage(r));
    }
    PQclear(r);
  }
  Check(rows == 2000000 && sum == int64_t{2000000} * 2000001 / 2 && ok,
        "large result: " + std::to_string(rows) + " rows, sum " + std::to_string(sum));
}

}  // namespace

/// COPY through libpq: FROM STDIN and TO STDOUT by the extended protocol (PQexecParams sends Parse, Bind,
/// Describe, Execute, Sync), data cut across CopyData messages mid-row, and PQputCopyEnd with an error
/// message (CopyFail), which leaves nothing inserted.
void Copy(PGconn* conn) {
  PQclear(Exec(conn, "CREATE TABLE copied (id INTEGER, word VARCHAR)"));
  PGresult* r = PQexecParams(conn, "COPY copied FROM STDIN (FORMAT csv)", 0, nullptr, nullptr, nullptr, nullptr, 0);
  Check(PQresultStatus(r) == PGRES_COPY_IN && PQnfields(r) == 2, std::string("extended COPY FROM STDIN: ") +
                                                                     PQresStatus(PQresultStatus(r)) + PQresultErrorMessage(r));
  PQclear(r);
  for (const char* piece : {"1,one\n2,t", "wo\n3,\"th", "ree, \"\"x\"\"\"\n"}) {
    Check(PQputCopyData(conn, piece, static_cast<int>(std::strlen(piece))) == 1, "PQputCopyData");
  }
  Check(PQputCopyEnd(conn, nullptr) == 1, "PQputCopyEnd");
  r = PQgetResult(conn);
  Check(PQresultStatus(r) == PGRES_COMMAND_OK && std::string(PQcmdStatus(r)) == "COPY 3",
        std::string("COPY FROM STDIN's tag: ") + PQcmdStatus(r) + PQresultErrorMessage(r));
  PQclear(r);
  while ((r = PQgetResult(conn))) PQclear(r);

  r = PQexec(conn, "COPY copied FROM STDIN");
  Check(PQresultStatus(r) == PGRES_COPY_IN, "simple COPY FROM STDIN");
  PQclear(r);
  PQputCopyData(conn, "9\tnine\n", 7);
  PQputCopyEnd(conn, "the client gave up");
  r = PQgetResult(conn);
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  Check(PQresultStatus(r) == PGRES_FATAL_ERROR && state && std::string(state) == "57014" &&
            std::string(PQresultErrorMessage(r)).find("the client gave up") != std::string::npos,
        std::string("CopyFail: ") + PQresultErrorMessage(r));
  PQclear(r);
  while ((r = PQgetResult(conn))) PQclear(r);

  r = PQexecParams(conn, "COPY (SELECT id, word FROM copied ORDER BY id) TO STDOUT (FORMAT csv, HEADER)", 0, nullptr,
                   nullptr, nullptr, nullptr, 0);
  Check(PQresultStatus(r) == PGRES_COPY_OUT, std::string("extended COPY TO STDOUT: ") + PQresultErrorMessage(r));
  PQclear(r);
  std::string out;
  char* buffer = nullptr;
  for (int n; (n = PQgetCopyData(conn, &buffer, 0)) > 0; PQfreemem(buffer)) out.append(buffer, static_cast<size_t>(n));
  r = PQgetResult(conn);
  Check(PQresultStatus(r) == PGRES_COMMAND_OK && std::string(PQcmdStatus(r)) == "COPY 3",
        std::string("COPY TO STDOUT's tag: ") + PQcmdStatus(r));
  PQclear(r);
  while ((r = PQgetResult(conn))) PQclear(r);
  Check(out == "id,word\n1,one\n2,two\n3,\"three, \"\"x\"\"\"\n", "COPY TO STDOUT's rows: " + out);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: pg_client_test extended|cancel|large|copy CONNINFO\n");
    return 2;
  }
  const std::string mode = argv[1];
  PGconn* conn = PQconnectdb(argv[2]);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::fprintf(stderr, "FAIL: connect: %s\n", PQerrorMessage(conn));
    PQfinish(conn);
    return 1;
  }
  if (mode == "extended") {
    Extended(conn);
  } else if (mode == "cancel") {
    Cancel(conn);
  } else if (mode == "large") {
    Large(conn);
  } else if (mode == "copy") {
    Copy(conn);
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    failures++;
  }
  PQfinish(conn);
  if (failures == 0) std::printf("libpq %s: ok\n", mode.c_str());
  return failures == 0 ? 0 : 1;
}
