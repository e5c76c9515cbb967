#include "server/pgwire/protocol.h"

#include <gtest/gtest.h>

namespace basin::pgwire {
namespace {

std::string Int32(int32_t v) {
  std::string out;
  MessageWriter w(out);
  w.Int32(v);
  return out;
}
std::string Int16(int16_t v) {
  std::string out;
  MessageWriter(out).Int16(v);
  return out;
}
std::string Cstr(const std::string& s) {
  return s + std::string(1, '\0');
}

TEST(ProtocolTest, StartupPackets) {
  auto startup = DecodeStartupPacket(Int32(kProtocolVersion3) + Cstr("user") + Cstr("ann") + Cstr("database") +
                                     Cstr("basin") + Cstr(""));
  ASSERT_TRUE(std::holds_alternative<StartupMessage>(startup));
  const auto& s = std::get<StartupMessage>(startup);
  EXPECT_EQ(s.Get("user"), "ann");
  EXPECT_EQ(s.Get("database"), "basin");
  EXPECT_EQ(s.Get("application_name", "none"), "none");
  EXPECT_TRUE(std::holds_alternative<SslRequest>(DecodeStartupPacket(Int32(kSslRequestCode))));
  EXPECT_TRUE(std::holds_alternative<GssEncRequest>(DecodeStartupPacket(Int32(kGssEncRequestCode))));
  auto cancel = DecodeStartupPacket(Int32(kCancelRequestCode) + Int32(42) + Int32(-7));
  ASSERT_TRUE(std::holds_alternative<CancelRequest>(cancel));
  EXPECT_EQ(std::get<CancelRequest>(cancel).process_id, 42);
  EXPECT_EQ(std::get<CancelRequest>(cancel).secret_key, -7);
  // Protocol 2 decodes without its body, to be refused by the caller.
  EXPECT_EQ(std::get<StartupMessage>(DecodeStartupPacket(Int32(2 << 16) + "junk")).protocol_version, 2 << 16);

  EXPECT_THROW(DecodeStartupPacket("ab"), ProtocolError);
  EXPECT_THROW(DecodeStartupPacket(Int32(kSslRequestCode) + "x"), ProtocolError);
  EXPECT_THROW(DecodeStartupPacket(Int32(kCancelRequestCode) + Int32(1)), ProtocolError);
  EXPECT_THROW(DecodeStartupPacket(Int32(kProtocolVersion3) + Cstr("user") + "ann"), ProtocolError);
  EXPECT_THROW(DecodeStartupPacket(Int32(kProtocolVersion3) + Cstr("user") + Cstr("ann")), ProtocolError);
}

TEST(ProtocolTest, QueryParseBind) {
  auto q = DecodeFrontendMessage('Q', Cstr("SELECT 1"));
  EXPECT_EQ(std::get<Query>(q).sql, "SELECT 1");
  EXPECT_THROW(DecodeFrontendMessage('Q', "SELECT 1"), ProtocolError);
  EXPECT_THROW(DecodeFrontendMessage('Q', Cstr("a") + "b"), ProtocolError);

  auto p = std::get<Parse>(DecodeFrontendMessage('P', Cstr("s1") + Cstr("SELECT $1") + Int16(1) + Int32(23)));
  EXPECT_EQ(p.name, "s1");
  EXPECT_EQ(p.sql, "SELECT $1");
  EXPECT_EQ(p.parameter_types, std::vector<uint32_t>{23});
  EXPECT_THROW(DecodeFrontendMessage('P', Cstr("") + Cstr("x") + Int16(3) + Int32(23)), ProtocolError);
  EXPECT_THROW(DecodeFrontendMessage('P', Cstr("") + Cstr("x") + Int16(-1)), ProtocolError);

  auto b = std::get<Bind>(DecodeFrontendMessage(
      'B', Cstr("portal") + Cstr("s1") + Int16(1) + Int16(1) + Int16(2) + Int32(4) + Int32(7) + Int32(-1) +
               Int16(1) + Int16(0)));
  EXPECT_EQ(b.portal, "portal");
  EXPECT_EQ(b.statement, "s1");
  EXPECT_EQ(b.parameter_formats, std::vector<int16_t>{1});
  ASSERT_EQ(b.parameters.size(), 2u);
  EXPECT_EQ(*b.parameters[0], Int32(7));
  EXPECT_FALSE(b.parameters[1].has_value());
  EXPECT_EQ(b.result_formats, std::vector<int16_t>{0});
  // A value longer than the message, a negative length other than -1.
  EXPECT_THROW(DecodeFrontendMessage('B', Cstr("") + Cstr("") + Int16(0) + Int16(1) + Int32(100) + "ab"), ProtocolError);
  EXPECT_THROW(DecodeFrontendMessage('B', Cstr("") + Cstr("") + Int16(0) + Int16(1) + Int32(-2) + Int16(0)),
               ProtocolError);
}

TEST(ProtocolTest, DescribeExecuteCloseAndTheRest) {
  auto d = std::get<Describe>(DecodeFrontendMessage('D', "P" + Cstr("p")));
  EXPECT_EQ(d.kind, 'P');
  EXPECT_EQ(d.name, "p");
  EXPECT_THROW(DecodeFrontendMessage('D', "X" + Cstr("p")), ProtocolError);
  auto c = std::get<Close>(DecodeFrontendMessage('C', "S" + Cstr("s")));
  EXPECT_EQ(c.kind, 'S');
  auto e = std::get<Execute>(DecodeFrontendMessage('E', Cstr("") + Int32(10)));
  EXPECT_EQ(e.max_rows, 10);
  EXPECT_TRUE(std::holds_alternative<Sync>(DecodeFrontendMessage('S', "")));
  EXPECT_TRUE(std::holds_alternative<Flush>(DecodeFrontendMessage('H', "")));
  EXPECT_TRUE(std::holds_alternative<Terminate>(DecodeFrontendMessage('X', "")));
  EXPECT_EQ(std::get<CopyData>(DecodeFrontendMessage('d', "a,b\n1")).data, "a,b\n1");
  EXPECT_TRUE(std::holds_alternative<CopyDone>(DecodeFrontendMessage('c', "")));
  EXPECT_EQ(std::get<CopyFail>(DecodeFrontendMessage('f', std::string("gave up\0", 8))).message, "gave up");
  EXPECT_THROW(DecodeFrontendMessage('f', "no terminator"), ProtocolError);
  EXPECT_EQ(std::get<Unsupported>(DecodeFrontendMessage('F', "call")).type, 'F');
  EXPECT_EQ(std::get<PasswordMessage>(DecodeFrontendMessage('p', "xyz")).data, "xyz");
  EXPECT_THROW(DecodeFrontendMessage('W', ""), ProtocolError);

  auto sasl = DecodeSaslInitialResponse(Cstr("SCRAM-SHA-256") + Int32(3) + "n,,");
  EXPECT_EQ(sasl.mechanism, "SCRAM-SHA-256");
  EXPECT_EQ(sasl.data, "n,,");
  EXPECT_THROW(DecodeSaslInitialResponse(Cstr("SCRAM-SHA-256") + Int32(9) + "n,,"), ProtocolError);
}

TEST(ProtocolTest, Formats) {
  EXPECT_EQ(FormatOf({}, 2, 3, "result"), 0);
  EXPECT_EQ(FormatOf({1}, 2, 3, "result"), 1);
  EXPECT_EQ(FormatOf({0, 1, 0}, 1, 3, "result"), 1);
  EXPECT_THROW(FormatOf({0, 1}, 0, 3, "result"), ProtocolError);
  EXPECT_THROW(FormatOf({2}, 0, 1, "result"), Exception);
}

TEST(ProtocolTest, BackendMessages) {
  std::string out;
  WriteReadyForQuery(out, 'I');
  EXPECT_EQ(out, std::string("Z\0\0\0\x05I", 6));
  out.clear();
  WriteCommandComplete(out, "SELECT 1");
  EXPECT_EQ(out, "C" + Int32(13) + Cstr("SELECT 1"));
  out.clear();
  ErrorFields error;
  error.sqlstate = "42703";
  error.message = "column \"x\" does not exist";
  error.position = 8;
  WriteErrorResponse(out, error);
  EXPECT_EQ(out[0], 'E');
  const std::string body = out.substr(5);
  EXPECT_EQ(body, "S" + Cstr("ERROR") + "V" + Cstr("ERROR") + "C" + Cstr("42703") + "M" +
                      Cstr("column \"x\" does not exist") + "P" + Cstr("8") + std::string(1, '\0'));
  EXPECT_EQ(out.substr(1, 4), Int32(static_cast<int32_t>(out.size() - 1)));
  // A NUL inside a string cannot be sent: it is dropped.
  out.clear();
  WriteParameterStatus(out, "a", std::string("b\0c", 3));
  EXPECT_EQ(out, "S" + Int32(9) + Cstr("a") + Cstr("bc"));
}

}  // namespace
}  // namespace basin::pgwire
