#include "server/pgwire/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <vector>

#include "server/pgwire/protocol.h"

namespace basin::pgwire {

namespace {

using Digest = std::array<uint8_t, 32>;

Digest Hmac(const uint8_t* key, size_t key_size, std::string_view data) {
  Digest out{};
  unsigned int n = 0;
  HMAC(EVP_sha256(), key, static_cast<int>(key_size), reinterpret_cast<const uint8_t*>(data.data()), data.size(),
       out.data(), &n);
  return out;
}

Digest Sha256(const Digest& data) {
  Digest out{};
  SHA256(data.data(), data.size(), out.data());
  return out;
}

std::string_view AsText(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

/// The attributes of a SCRAM message ("r=...,s=...,i=..."), in order.
std::vector<std::pair<char, std::string_view>> Attributes(std::string_view message, const char* what) {
  std::vector<std::pair<char, std::string_view>> out;
  size_t pos = 0;
  while (pos <= message.size()) {
    size_t comma = message.find(',', pos);
    if (comma == std::string_view::npos) comma = message.size();
    const std::string_view item = message.substr(pos, comma - pos);
    if (item.size() < 2 || item[1] != '=') throw ProtocolError(std::string("malformed SCRAM ") + what);
    out.emplace_back(item[0], item.substr(2));
    pos = comma + 1;
  }
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<uint8_t*>(out.data()),
                                reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=') return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<uint8_t*>(out.data()),
                                reinterpret_cast<const uint8_t*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t size = static_cast<size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; i--) size--;
  out.resize(size);
  return out;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<uint8_t*>(out.data()), static_cast<int>(n)) != 1) {
    throw InternalError("the random number generator failed");
  }
  return out;
}

ScramVerifier MakeScramVerifier(std::string_view password, std::string_view salt, int iterations) {
  ScramVerifier v;
  v.salt = std::string(salt);
  v.iterations = iterations;
  Digest salted{};
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const uint8_t*>(salt.data()), static_cast<int>(salt.size()), iterations,
                    EVP_sha256(), static_cast<int>(salted.size()), salted.data());
  v.stored_key = Sha256(Hmac(salted.data(), salted.size(), "Client Key"));
  v.server_key = Hmac(salted.data(), salted.size(), "Server Key");
  OPENSSL_cleanse(salted.data(), salted.size());
  return v;
}

ScramVerifier MakeScramVerifier(std::string_view password) {
  return MakeScramVerifier(password, RandomBytes(16));
}

std::optional<ScramVerifier> ParseScramVerifier(std::string_view text) {
  constexpr std::string_view kPrefix = "SCRAM-SHA-256$";
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  const size_t colon = text.find(':');
  const size_t dollar = text.find('$');
  const size_t colon2 = text.rfind(':');
  if (colon == std::string_view::npos || dollar == std::string_view::npos || colon2 <= dollar || colon >= dollar) {
    return std::nullopt;
  }
  ScramVerifier v;
  try {
    v.iterations = std::stoi(std::string(text.substr(0, colon)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto salt = Base64Decode(text.substr(colon + 1, dollar - colon - 1));
  auto stored = Base64Decode(text.substr(dollar + 1, colon2 - dollar - 1));
  auto server = Base64Decode(text.substr(colon2 + 1));
  if (v.iterations < 1 || !salt || salt->empty() || !stored || stored->size() != 32 || !server ||
      server->size() != 32) {
    return std::nullopt;
  }
  v.salt = *salt;
  std::copy(stored->begin(), stored->end(), v.stored_key.begin());
  std::copy(server->begin(), server->end(), v.server_key.begin());
  return v;
}

std::string FormatScramVerifier(const ScramVerifier& v) {
  return "SCRAM-SHA-256$" + std::to_string(v.iterations) + ":" + Base64Encode(v.salt) + "$" +
         Base64Encode(AsText(v.stored_key)) + ":" + Base64Encode(AsText(v.server_key));
}

ScramExchange::ScramExchange(ScramVerifier verifier, std::string server_nonce)
    : verifier_(std::move(verifier)),
      server_nonce_(server_nonce.empty() ? Base64Encode(RandomBytes(18)) : std::move(server_nonce)) {}

std::string ScramExchange::ServerFirst(std::string_view client_first) {
  // gs2-header: "n,," (no channel binding), "y,," (the client could bind but thinks we cannot), or
  // "p=...,," (binding, which needs SCRAM-SHA-256-PLUS, not offered); an authzid is not supported.
  if (client_first.size() < 3 || (client_first[0] != 'n' && client_first[0] != 'y')) {
    if (!client_first.empty() && client_first[0] == 'p') {
      throw ProtocolError("channel binding is not supported (SCRAM-SHA-256-PLUS is not offered)");
    }
    throw ProtocolError("malformed SCRAM client-first-message");
  }
  if (client_first[1] != ',' || client_first[2] != ',') {
    throw ProtocolError("SCRAM authorization identities are not supported");
  }
  gs2_header_ = std::string(client_first.substr(0, 3));
  client_first_bare_ = std::string(client_first.substr(3));
  std::string client_nonce;
  for (const auto& [key, value] : Attributes(client_first_bare_, "client-first-message")) {
    if (key == 'm') throw ProtocolError("SCRAM extensions are not supported");
    if (key == 'r') client_nonce = std::string(value);
  }
  if (client_nonce.empty()) throw ProtocolError("SCRAM client-first-message has no nonce");
  for (char c : client_nonce) {
    if (c < 0x21 || c > 0x7e || c == ',') throw ProtocolError("SCRAM nonce has invalid characters");
  }
  nonce_ = client_nonce + server_nonce_;
  server_first_ = "r=" + nonce_ + ",s=" + Base64Encode(verifier_.salt) + ",i=" + std::to_string(verifier_.iterations);
  return server_first_;
}

std::optional<std::string> ScramExchange::ServerFinal(std::string_view client_final) {
  if (server_first_.empty()) throw ProtocolError("SCRAM client-final-message before client-first-message");
  const size_t proof_at = client_final.rfind(",p=");
  if (proof_at == std::string_view::npos) throw ProtocolError("SCRAM client-final-message has no proof");
  const std::string_view without_proof = client_final.substr(0, proof_at);
  std::string_view binding, nonce;
  for (const auto& [key, value] : Attributes(without_proof, "client-final-message")) {
    if (key == 'c') binding = value;
    if (key == 'r') nonce = value;
  }
  if (binding != Base64Encode(gs2_header_)) throw ProtocolError("SCRAM channel binding does not match");
  if (nonce != nonce_) throw ProtocolError("SCRAM nonce does not match");
  const auto proof = Base64Decode(client_final.substr(proof_at + 3));
  if (!proof || proof->size() != 32) throw ProtocolError("malformed SCRAM client proof");

  const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
  // ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); it is right when H(ClientKey) = StoredKey.
  const Digest signature = Hmac(verifier_.stored_key.data(), verifier_.stored_key.size(), auth_message);
  Digest client_key{};
  for (size_t i = 0; i < client_key.size(); i++) {
    client_key[i] = static_cast<uint8_t>(static_cast<uint8_t>((*proof)[i]) ^ signature[i]);
  }
  const Digest stored = Sha256(client_key);
  if (CRYPTO_memcmp(stored.data(), verifier_.stored_key.data(), stored.size()) != 0) return std::nullopt;
  const Digest server_signature = Hmac(verifier_.server_key.data(), verifier_.server_key.size(), auth_message);
  return "v=" + Base64Encode(AsText(server_signature));
}

}  // namespace basin::pgwire
