// Who may connect: trust on a fresh loopback server, SCRAM-SHA-256 for configured users.

#include <openssl/sha.h>

#include "server/pgwire/server.h"

namespace basin::pgwire {

namespace {

/// A verifier for a user who does not exist: its salt is derived from the name and a per-process secret,
/// so that asking twice gives the same salt (as for a real user) and nothing tells the users apart.
ScramVerifier MockVerifier(const std::string& user) {
  static const std::string secret = RandomBytes(32);
  uint8_t digest[SHA256_DIGEST_LENGTH];
  const std::string input = secret + user;
  SHA256(reinterpret_cast<const uint8_t*>(input.data()), input.size(), digest);
  ScramVerifier v;
  v.salt = std::string(reinterpret_cast<const char*>(digest), 16);
  // Keys no proof can match: StoredKey must equal H(ClientKey) for some ClientKey, which random bytes
  // make as unlikely as guessing SHA-256.
  const std::string keys = RandomBytes(64);
  std::copy(keys.begin(), keys.begin() + 32, v.stored_key.begin());
  std::copy(keys.begin() + 32, keys.end(), v.server_key.begin());
  return v;
}

}  // namespace

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

AuthPlan PlanAuthentication(const ServerOptions& options, const std::string& user) {
  AuthPlan plan;
  if (!options.users.empty()) {
    plan.method = AuthPlan::Method::kScram;
    auto it = options.users.find(user);
    plan.known_user = it != options.users.end();
    plan.verifier = plan.known_user ? it->second : MockVerifier(user);
    return plan;
  }
  if (!IsLoopback(options.host)) {
    plan.sqlstate = "28000";  // invalid_authorization_specification
    plan.message = "no pg.users are configured: a server listening on " + options.host +
                   " lets no one in (set pg.users, or listen on loopback to trust the user \"" + kDefaultUser + "\")";
    return plan;
  }
  if (user != kDefaultUser) {
    plan.sqlstate = "28000";
    plan.message = "role \"" + user + "\" does not exist (without pg.users only \"" + kDefaultUser +
                   "\" may connect, from this machine)";
    return plan;
  }
  plan.method = AuthPlan::Method::kTrust;
  plan.known_user = true;
  return plan;
}

}  // namespace basin::pgwire
