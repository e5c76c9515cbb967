#pragma once

// SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL does it, server side: the verifier a password is kept
// as, and the exchange that checks a client's proof without the password crossing the wire. HMAC, SHA-256
// and PBKDF2 come from OpenSSL's libcrypto.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/exception.h"

namespace basin::pgwire {

/// What a server keeps of a password: salt, iteration count, StoredKey = H(ClientKey) and ServerKey.
struct ScramVerifier {
  std::string salt;  ///< raw bytes
  int iterations = 4096;
  std::array<uint8_t, 32> stored_key{};
  std::array<uint8_t, 32> server_key{};
};

/// Derive the verifier of `password` (PBKDF2-HMAC-SHA-256 over `salt`, then the RFC 5802 keys). The
/// password is used as its UTF-8 bytes (PostgreSQL's SASLprep changes only unusual non-ASCII passwords).
ScramVerifier MakeScramVerifier(std::string_view password, std::string_view salt, int iterations = 4096);
/// A verifier with a fresh random 16-byte salt.
ScramVerifier MakeScramVerifier(std::string_view password);
/// PostgreSQL's stored form, "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>" (base64), as
/// pg_authid.rolpassword holds it: parse it, or nullopt when `text` is not one.
std::optional<ScramVerifier> ParseScramVerifier(std::string_view text);
std::string FormatScramVerifier(const ScramVerifier& verifier);

std::string Base64Encode(std::string_view bytes);
/// Decode standard base64 (with padding); nullopt for anything else.
std::optional<std::string> Base64Decode(std::string_view text);
/// `n` random bytes from OpenSSL's generator.
std::string RandomBytes(size_t n);

/// One authentication exchange for one connection: client-first -> server-first, client-final ->
/// server-final (or a refusal). The server nonce is random unless given (tests).
class ScramExchange {
 public:
  explicit ScramExchange(ScramVerifier verifier, std::string server_nonce = "");

  /// Answer the client-first-message with the server-first-message. Throws ProtocolError (08P01) for a
  /// malformed message or a channel binding this server does not offer.
  std::string ServerFirst(std::string_view client_first);
  /// Check the client-final-message: the server-final-message ("v=...") when the proof holds, nullopt when
  /// it does not (a wrong password). Throws ProtocolError for a malformed message or a nonce that does not
  /// continue this exchange.
  std::optional<std::string> ServerFinal(std::string_view client_final);

 private:
  ScramVerifier verifier_;
  std::string server_nonce_;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string server_first_;
  std::string nonce_;  ///< client nonce + server nonce
};

}  // namespace basin::pgwire
