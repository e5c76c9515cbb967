#include "server/pgwire/session.h"

#include <gtest/gtest.h>

#include <deque>
#include <tuple>

#include "main/database.h"

namespace basin::pgwire {
namespace {

struct Message {
  char type;
  std::string body;
};

/// Split backend output into messages.
std::vector<Message> Split(const std::string& bytes) {
  std::vector<Message> out;
  for (size_t at = 0; at + 5 <= bytes.size();) {
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data() + at + 1);
    const size_t length = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
    out.push_back({bytes[at], bytes.substr(at + 5, length - 4)});
    at += 1 + length;
  }
  return out;
}

std::string Types(const std::vector<Message>& messages) {
  std::string out;
  for (const Message& m : messages) out += m.type;
  return out;
}

/// The NUL-terminated strings of a message body, from `from`.
std::vector<std::string> Strings(const std::string& body, size_t from = 0) {
  std::vector<std::string> out;
  for (size_t at = from; at < body.size();) {
    const size_t end = body.find('\0', at);
    if (end == std::string::npos) break;
    out.push_back(body.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

/// The text values of a DataRow.
std::vector<std::string> Row(const std::string& body) {
  std::vector<std::string> values;
  size_t at = 2;
  while (at + 4 <= body.size()) {
    const auto* p = reinterpret_cast<const uint8_t*>(body.data() + at);
    const int32_t n = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]);
    at += 4;
    if (n < 0) {
      values.push_back("NULL");
      continue;
    }
    values.push_back(body.substr(at, static_cast<size_t>(n)));
    at += static_cast<size_t>(n);
  }
  return values;
}

/// The SQLSTATE of an ErrorResponse.
std::string State(const Message& m) {
  for (size_t at = 0; at < m.body.size() && m.body[at] != '\0';) {
    const char field = m.body[at];
    const size_t end = m.body.find('\0', at + 1);
    if (field == 'C') return m.body.substr(at + 1, end - at - 1);
    at = end + 1;
  }
  return "";
}

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() : session_(db_, SessionInfo{"basin", "basin", "test", true, 7, 9}, [this](std::string& b) {
                    sent_ += b;
                    b.clear();
                  }) {}

  /// Send messages; return what came back since the last call.
  std::vector<Message> Send(std::initializer_list<std::pair<char, std::string>> messages) {
    sent_.clear();
    for (const auto& [type, body] : messages) session_.Handle(type, body);
    return Split(sent_);
  }

  static std::string Cstr(const std::string& s) { return s + std::string(1, '\0'); }
  static std::string I16(int16_t v) {
    std::string out;
    MessageWriter(out).Int16(v);
    return out;
  }
  static std::string I32(int32_t v) {
    std::string out;
    MessageWriter(out).Int32(v);
    return out;
  }
  static std::pair<char, std::string> Query(const std::string& sql) { return {'Q', Cstr(sql)}; }
  static std::pair<char, std::string> Parse(const std::string& name, const std::string& sql) {
    return {'P', Cstr(name) + Cstr(sql) + I16(0)};
  }
  static std::pair<char, std::string> Bind(const std::string& portal, const std::string& statement,
                                           const std::vector<std::string>& text_values) {
    std::string body = Cstr(portal) + Cstr(statement) + I16(0) + I16(static_cast<int16_t>(text_values.size()));
    for (const auto& v : text_values) body += I32(static_cast<int32_t>(v.size())) + v;
    return {'B', body + I16(0)};
  }
  static std::pair<char, std::string> Execute(const std::string& portal, int32_t rows) {
    return {'E', Cstr(portal) + I32(rows)};
  }
  static std::pair<char, std::string> Sync() { return {'S', ""}; }

  Database db_;
  std::string sent_;
  Session session_;
};

TEST_F(SessionTest, BeginsWithSettingsKeyAndReady) {
  sent_.clear();
  session_.Begin();
  const auto messages = Split(sent_);
  ASSERT_GE(messages.size(), 3u);
  EXPECT_EQ(messages.back().type, 'Z');
  EXPECT_EQ(messages[messages.size() - 2].type, 'K');
  EXPECT_EQ(messages[messages.size() - 2].body, I32(7) + I32(9));
  bool version = false;
  for (const auto& m : messages) {
    if (m.type == 'S' && Strings(m.body) == std::vector<std::string>{"server_version", "16.0 (Basin)"}) version = true;
  }
  EXPECT_TRUE(version);
}

TEST_F(SessionTest, CopyFromStdinAndToStdout) {
  // COPY FROM STDIN takes the client's next messages through the receive callback; rows span CopyData.
  std::deque<std::pair<char, std::string>> incoming = {
      {'d', "id,word\n1,o"}, {'H', ""}, {'d', "ne\n2,\"t,wo\"\n"}, {'c', ""}};
  session_.SetReceive([&](char& type, std::string& body) {
    if (incoming.empty()) return false;
    std::tie(type, body) = incoming.front();
    incoming.pop_front();
    return true;
  });
  Send({Query("CREATE TABLE c (id INTEGER, word VARCHAR)")});
  auto m = Send({Query("COPY c FROM STDIN (FORMAT csv, HEADER)")});
  EXPECT_EQ(Types(m), "GCZ");
  EXPECT_EQ(m[0].body, std::string(1, '\0') + I16(2) + I16(0) + I16(0));
  EXPECT_EQ(Strings(m[1].body)[0], "COPY 2");
  EXPECT_TRUE(incoming.empty());

  // A bad row fails the whole COPY, naming its line; CopyFail ends one with 57014.
  incoming = {{'d', "3\tx\nfour\ty\n"}, {'c', ""}};
  m = Send({Query("COPY c FROM STDIN")});
  ASSERT_EQ(Types(m), "GEZ");
  EXPECT_EQ(State(m[1]), "22P02");
  EXPECT_NE(m[1].body.find("line 2"), std::string::npos);
  incoming = {{'d', "5\tz\n"}, {'f', Cstr("stop")}};
  m = Send({Query("COPY c FROM STDIN")});
  ASSERT_EQ(Types(m), "GEZ");
  EXPECT_EQ(State(m[1]), "57014");
  // CopyData after a failed COPY is dropped.
  EXPECT_EQ(Types(Send({{'d', "6\tq\n"}, {'c', ""}})), "");

  m = Send({Query("COPY (SELECT id, word FROM c ORDER BY id) TO STDOUT (FORMAT csv, HEADER)")});
  ASSERT_GE(m.size(), 4u);
  EXPECT_EQ(m[0].type, 'H');
  std::string out;
  for (size_t i = 1; i + 3 < m.size() + 1 && m[i].type == 'd'; i++) out += m[i].body;
  EXPECT_EQ(out, "id,word\n1,one\n2,\"t,wo\"\n");
  EXPECT_EQ(Types(m).substr(Types(m).size() - 3), "cCZ");
  EXPECT_EQ(Strings(m[m.size() - 2].body)[0], "COPY 2");
}

TEST_F(SessionTest, SimpleQueryWithSeveralStatements) {
  auto m = Send({Query("CREATE TABLE t (a INTEGER, b VARCHAR); INSERT INTO t VALUES (1, 'x'), (2, NULL); "
                       "SELECT a, b FROM t ORDER BY a; UPDATE t SET b = 'y' WHERE a = 2")});
  EXPECT_EQ(Types(m), "CCTDDCCZ");
  EXPECT_EQ(Strings(m[0].body)[0], "CREATE TABLE");
  EXPECT_EQ(Strings(m[1].body)[0], "INSERT 0 2");
  EXPECT_EQ(Row(m[3].body), (std::vector<std::string>{"1", "x"}));
  EXPECT_EQ(Row(m[4].body), (std::vector<std::string>{"2", "NULL"}));
  EXPECT_EQ(Strings(m[5].body)[0], "SELECT 2");
  EXPECT_EQ(Strings(m[6].body)[0], "UPDATE 1");
  EXPECT_EQ(m[7].body, "I");
}

TEST_F(SessionTest, AnErrorEndsTheQueryString) {
  auto m = Send({Query("SELECT 1; SELECT nope; SELECT 3")});
  EXPECT_EQ(Types(m), "TDCEZ");
  EXPECT_EQ(State(m[3]), "42703");
  // The position counts characters of the whole string: "nope" is the 18th.
  EXPECT_NE(m[3].body.find(std::string("P18") + '\0'), std::string::npos);
  EXPECT_EQ(Types(Send({Query("  -- nothing\n")})), "IZ");
}

TEST_F(SessionTest, TransactionStatus) {
  auto m = Send({Query("BEGIN")});
  EXPECT_EQ(Strings(m[0].body)[0], "BEGIN");
  EXPECT_EQ(m.back().body, "T");
  m = Send({Query("SELECT 1")});
  EXPECT_EQ(m.back().body, "T");
  m = Send({Query("COMMIT")});
  EXPECT_EQ(m.back().body, "I");
}

TEST_F(SessionTest, ExtendedProtocolWithRowLimits) {
  Send({Query("CREATE TABLE n AS SELECT * FROM range(0, 5) r(x)")});
  auto m = Send({Parse("s", "SELECT x FROM n WHERE x >= $1 ORDER BY x"), {'D', "S" + Cstr("s")}, Sync()});
  EXPECT_EQ(Types(m), "1tTZ");
  EXPECT_EQ(m[1].body, I16(1) + I32(23));  // $1 is inferred as x's type, integer
  // Rows 1 to 4, two at a time; the portal knows when it is done, and says so again if asked.
  m = Send({Bind("p", "s", {"1"}), Execute("p", 2), Execute("p", 2), Execute("p", 2), Sync()});
  EXPECT_EQ(Types(m), "2DDsDDCCZ");
  EXPECT_EQ(Row(m[1].body)[0], "1");
  EXPECT_EQ(Row(m[5].body)[0], "4");
  EXPECT_EQ(Strings(m[6].body)[0], "SELECT 2");
  EXPECT_EQ(Strings(m[7].body)[0], "SELECT 0");
  // The portal is gone after Sync; the statement stays until closed.
  m = Send({Execute("p", 0), Sync()});
  EXPECT_EQ(Types(m), "EZ");
  EXPECT_EQ(State(m[0]), "34000");
  m = Send({{'C', "S" + Cstr("s")}, Bind("", "s", {"1"}), Sync()});
  EXPECT_EQ(Types(m), "3EZ");
  EXPECT_EQ(State(m[1]), "26000");
}

TEST_F(SessionTest, ErrorsSkipToSync) {
  auto m = Send({Parse("", "SELECT nope"), Bind("", "", {}), Execute("", 0), Sync(), Query("SELECT 1")});
  EXPECT_EQ(Types(m), "EZTDCZ");
  EXPECT_EQ(State(m[0]), "42703");
  // Wrong parameter count; a named statement twice.
  m = Send({Parse("two", "SELECT $1::int + $2::int"), Bind("", "two", {"1"}), Sync()});
  EXPECT_EQ(Types(m), "1EZ");
  EXPECT_EQ(State(m[1]), "08P01");
  m = Send({Parse("two", "SELECT 1"), Sync()});
  EXPECT_EQ(State(m[0]), "42P05");
  m = Send({Bind("", "two", {"1", "2"}), {'D', "P" + Cstr("")}, Execute("", 0), Sync()});
  EXPECT_EQ(Types(m), "2TDCZ");
  EXPECT_EQ(Row(m[2].body)[0], "3");
}

TEST_F(SessionTest, EmptyStatementAndNoData) {
  auto m = Send({Parse("", ""), Bind("", "", {}), {'D', "P" + Cstr("")}, Execute("", 0), Sync()});
  EXPECT_EQ(Types(m), "12nIZ");
  m = Send({Parse("", "CREATE TABLE e (a INTEGER)"), {'D', "S" + Cstr("")}, Bind("", "", {}), Execute("", 0), Sync()});
  EXPECT_EQ(Types(m), "1tn2CZ");
  EXPECT_EQ(Strings(m[4].body)[0], "CREATE TABLE");
}

TEST_F(SessionTest, MalformedMessagesThrow) {
  EXPECT_THROW(session_.Handle('B', "x"), ProtocolError);
  EXPECT_THROW(session_.Handle('?', ""), ProtocolError);
  EXPECT_FALSE(session_.Handle('X', ""));
}

}  // namespace
}  // namespace basin::pgwire
