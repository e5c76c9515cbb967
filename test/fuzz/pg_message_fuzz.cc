// Fuzz target for the PostgreSQL message decoder: the input is what a client sends on a connection, a
// startup packet (int32 length first) and then typed messages (type byte, int32 length). Each must decode
// or fail with a ProtocolError or another Exception, never crash or allocate without bound; the messages
// that decode go through a Session over an in-memory database (the extended protocol's state machine),
// password messages through SCRAM, Bind parameters through the binary decoders, and the messages after a
// COPY FROM STDIN through the COPY sub-protocol (CopyData, CopyDone, CopyFail).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "main/database.h"
#include "server/pgwire/protocol.h"
#include "server/pgwire/scram.h"
#include "server/pgwire/session.h"
#include "server/pgwire/value_codec.h"

namespace {

using namespace basin;
using namespace basin::pgwire;

uint32_t Length(std::string_view bytes, size_t at) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data() + at);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void TryBinaryParameters(const Bind& bind) {
  static const uint32_t kOids[] = {16, 17, 20, 21, 23, 25, 700, 701, 1007, 1009, 1082, 1083, 1114, 1184, 1186, 1700};
  for (const auto& p : bind.parameters) {
    if (!p) continue;
    for (uint32_t oid : kOids) {
      try {
        (void)DecodeBinary(*p, oid);
      } catch (const Exception&) {
      }
    }
  }
}

void TrySasl(std::string_view body, ScramExchange& scram, bool& first) {
  try {
    if (first) {
      first = false;
      scram.ServerFirst(DecodeSaslInitialResponse(body).data);
    } else {
      (void)scram.ServerFinal(body);
    }
  } catch (const Exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Database db;
  static const ScramVerifier verifier = MakeScramVerifier("pencil", "0123456789abcdef", 16);
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() < 4) return 0;
  // Lengths that do not fit are clamped rather than fatal (the connection refuses them; the decoders are
  // what is fuzzed here), so that an edit inside one message still leaves the others to decode.
  const uint32_t startup_length = std::max<uint32_t>(4, std::min<uint32_t>(Length(bytes, 0), bytes.size()));
  try {
    (void)DecodeStartupPacket(bytes.substr(4, startup_length - 4));
  } catch (const ProtocolError&) {
  }
  Session session(db, SessionInfo{"basin", "basin", "fuzz", true, 1, 2}, [](std::string& out) { out.clear(); });
  ScramExchange scram(verifier, "server-nonce");
  bool sasl_first = true;
  size_t at = startup_length;
  // The next typed message of the input, as the connection hands it over.
  auto next = [&](char& type, std::string_view& body) {
    if (at + 5 > bytes.size()) return false;
    type = bytes[at];
    const size_t length = std::max<size_t>(4, std::min<size_t>(Length(bytes, at + 1), bytes.size() - at - 1));
    body = bytes.substr(at + 5, length - 4);
    at += 1 + length;
    return true;
  };
  // COPY FROM STDIN takes the messages that follow (CopyData, CopyDone, CopyFail, or anything else).
  session.SetReceive([&](char& type, std::string& body) {
    std::string_view view;
    if (!next(type, view)) return false;
    body = std::string(view);
    return true;
  });
  char type = 0;
  for (std::string_view body; next(type, body);) {
    if (type == 'p') {
      TrySasl(body, scram, sasl_first);
      continue;
    }
    try {
      const FrontendMessage message = DecodeFrontendMessage(type, body);
      if (const auto* bind = std::get_if<Bind>(&message)) TryBinaryParameters(*bind);
      if (!session.Handle(type, body)) break;
    } catch (const ProtocolError&) {
      break;  // the connection would end here
    }
  }
  return 0;
}
