#include "server/pgwire/scram.h"

#include <gtest/gtest.h>

#include "server/pgwire/protocol.h"
#include "server/pgwire/server.h"
#include "server/pgwire/users.h"

namespace basin::pgwire {
namespace {

// RFC 7677, section 3: user "user", password "pencil".
constexpr const char* kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr const char* kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr const char* kServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr const char* kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr const char* kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramVerifier PencilVerifier() {
  return MakeScramVerifier("pencil", *Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
}

TEST(ScramTest, Rfc7677TestVector) {
  ScramExchange exchange(PencilVerifier(), kServerNonce);
  EXPECT_EQ(exchange.ServerFirst(kClientFirst), kServerFirst);
  const auto final_message = exchange.ServerFinal(kClientFinal);
  ASSERT_TRUE(final_message.has_value());
  EXPECT_EQ(*final_message, kServerFinal);
}

TEST(ScramTest, WrongPasswordIsRefused) {
  ScramExchange exchange(MakeScramVerifier("not pencil", *Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096),
                         kServerNonce);
  exchange.ServerFirst(kClientFirst);
  EXPECT_FALSE(exchange.ServerFinal(kClientFinal).has_value());
}

TEST(ScramTest, MalformedMessagesAreProtocolErrors) {
  ScramExchange exchange(PencilVerifier(), kServerNonce);
  EXPECT_THROW(exchange.ServerFinal(kClientFinal), ProtocolError);  // before client-first
  EXPECT_THROW(exchange.ServerFirst("p=tls-server-end-point,,n=,r=abc"), ProtocolError);  // channel binding
  EXPECT_THROW(exchange.ServerFirst("n,a=admin,n=,r=abc"), ProtocolError);                 // authzid
  EXPECT_THROW(exchange.ServerFirst("n,,n=user"), ProtocolError);                          // no nonce
  EXPECT_THROW(exchange.ServerFirst("garbage"), ProtocolError);
  exchange.ServerFirst(kClientFirst);
  // Another nonce, another binding, a short proof.
  EXPECT_THROW(exchange.ServerFinal("c=biws,r=other,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="), ProtocolError);
  EXPECT_THROW(exchange.ServerFinal(std::string("c=eSws,r=rOprNGfwEbeRWgbNEkqO") + kServerNonce +
                                    ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
               ProtocolError);
  EXPECT_THROW(exchange.ServerFinal(std::string("c=biws,r=rOprNGfwEbeRWgbNEkqO") + kServerNonce + ",p=AAAA"),
               ProtocolError);
}

TEST(ScramTest, VerifierInPostgresFormat) {
  const ScramVerifier v = PencilVerifier();
  const std::string text = FormatScramVerifier(v);
  EXPECT_EQ(text.rfind("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$", 0), 0u);
  const auto parsed = ParseScramVerifier(text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->salt, v.salt);
  EXPECT_EQ(parsed->stored_key, v.stored_key);
  EXPECT_EQ(parsed->server_key, v.server_key);
  EXPECT_FALSE(ParseScramVerifier("pencil").has_value());
  EXPECT_FALSE(ParseScramVerifier("SCRAM-SHA-256$4096:x$y:z").has_value());
  // The parsed verifier authenticates the RFC's exchange.
  ScramExchange exchange(*parsed, kServerNonce);
  exchange.ServerFirst(kClientFirst);
  EXPECT_EQ(exchange.ServerFinal(kClientFinal), std::optional<std::string>(kServerFinal));
}

TEST(ScramTest, Base64) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("n,,"), "biws");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(Base64Decode("YWI="), std::optional<std::string>("ab"));
  EXPECT_EQ(Base64Decode("YQ=="), std::optional<std::string>("a"));
  EXPECT_FALSE(Base64Decode("YWI").has_value());
  EXPECT_FALSE(Base64Decode("Y!I=").has_value());
}

TEST(ScramTest, UserLists) {
  UserMap users;
  ParseUserList(" alice:secret , bob:" + FormatScramVerifier(PencilVerifier()), users);
  ASSERT_EQ(users.size(), 2u);
  ScramExchange exchange(users.at("bob"), kServerNonce);
  exchange.ServerFirst(kClientFirst);
  EXPECT_TRUE(exchange.ServerFinal(kClientFinal).has_value());  // bob's password is pencil
  EXPECT_THROW(ParseUserList("nopassword", users), DataError);
  EXPECT_THROW(ParseUserList(":x", users), DataError);
  EXPECT_THROW(ParseUserList("eve:SCRAM-SHA-256$broken", users), DataError);
}

TEST(AuthTest, TrustOnlyOnLoopbackWithoutUsers) {
  ServerOptions options;
  EXPECT_EQ(PlanAuthentication(options, "basin").method, AuthPlan::Method::kTrust);
  AuthPlan other = PlanAuthentication(options, "mallory");
  EXPECT_EQ(other.method, AuthPlan::Method::kReject);
  EXPECT_EQ(other.sqlstate, "28000");
  options.host = "0.0.0.0";
  EXPECT_EQ(PlanAuthentication(options, "basin").method, AuthPlan::Method::kReject);
  options.users["alice"] = MakeScramVerifier("secret");
  const AuthPlan alice = PlanAuthentication(options, "alice");
  EXPECT_EQ(alice.method, AuthPlan::Method::kScram);
  EXPECT_TRUE(alice.known_user);
  // A user who does not exist goes through the same exchange, with the same salt each time.
  const AuthPlan ghost = PlanAuthentication(options, "ghost");
  EXPECT_EQ(ghost.method, AuthPlan::Method::kScram);
  EXPECT_FALSE(ghost.known_user);
  EXPECT_EQ(ghost.verifier.salt, PlanAuthentication(options, "ghost").verifier.salt);
  EXPECT_NE(ghost.verifier.salt, PlanAuthentication(options, "spook").verifier.salt);
  EXPECT_TRUE(IsLoopback("127.0.0.1") && IsLoopback("::1") && IsLoopback("localhost") && !IsLoopback("10.0.0.1"));
}

}  // namespace
}  // namespace basin::pgwire
