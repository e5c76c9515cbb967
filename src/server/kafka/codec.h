#pragma once

// Encoding and decoding of whole messages. One function per message lists its fields in schema order
// with their version ranges, and serves both directions (codec_*.cc), so what is written is what is read.

#include <cstdint>

#include "server/kafka/messages.h"
#include "server/kafka/wire.h"

namespace basin::kafka {

/// Read a request header. For an API and version this server speaks, also read the header's tagged fields
/// and leave `reader` at the body with the body's version and encoding set; otherwise stop after the client
/// id (the caller answers an unsupported ApiVersions with v0, or closes the connection).
[[nodiscard]] RequestHeader DecodeRequestHeader(Reader& reader);

/// Decode the body of request M (`reader` as DecodeRequestHeader left it); every byte must belong to it.
template <class M>
[[nodiscard]] M DecodeRequestBody(Reader& reader);

/// Encode request M as a frame (size prefix, header, body) at `header.api_version` (tests, clients).
template <class M>
[[nodiscard]] EncodedFrame EncodeRequest(const RequestHeader& header, const M& body);

/// Encode response M as a frame: size prefix, response header (v0, or v1 with tagged fields), body.
template <class M>
[[nodiscard]] EncodedFrame EncodeResponse(int32_t correlation_id, int16_t version, const M& body);

/// Decode response M at `version` from a frame without its size prefix; `correlation_id` receives the
/// header's (tests, clients).
template <class M>
[[nodiscard]] M DecodeResponse(SharedBytes frame, int16_t version, int32_t* correlation_id);

}  // namespace basin::kafka
