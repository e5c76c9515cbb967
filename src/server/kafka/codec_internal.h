#pragma once

// Shared by codec_*.cc: the generic halves of codec.h and helpers for fields whose form changed between
// versions. Each codec_*.cc defines `Fields(IO&, M&)` for its messages (IO is Reader or Writer) and
// instantiates the codec.h templates for them with BASIN_KAFKA_CODEC.

#include <optional>
#include <string>
#include <vector>

#include "server/kafka/codec.h"

namespace basin::kafka::internal {

/// A string held as optional that is nullable on the wire only where `nullable` (a later version).
template <class IO>
void MaybeNullableString(IO& io, const char* field, std::optional<std::string>& s, bool nullable) {
  if (nullable) {
    io.NullableString(field, s);
  } else if constexpr (IO::kReading) {
    io.String(field, s.emplace());
  } else {
    io.String(field, s ? *s : std::string());
  }
}

/// A string held as std::string that later versions make nullable on the wire; null reads as "".
template <class IO>
void StringOrNull(IO& io, const char* field, std::string& s, bool nullable) {
  if constexpr (IO::kReading) {
    if (nullable) {
      std::optional<std::string> v;
      io.NullableString(field, v);
      s = v.value_or(std::string());
      return;
    }
  }
  io.String(field, s);
}

/// An array held as optional that is nullable on the wire only where `nullable`.
template <class IO, class T, class F>
void MaybeNullableArray(IO& io, const char* field, std::optional<std::vector<T>>& v, bool nullable, F&& fn) {
  if (nullable) {
    io.NullableArray(field, v, fn);
  } else if constexpr (IO::kReading) {
    io.Array(field, v.emplace(), fn);
  } else if (v) {
    io.Array(field, *v, fn);
  } else {
    std::vector<T> empty;
    io.Array(field, empty, fn);
  }
}

/// The first element of a batched field, sent alone by versions before the batch (read: one element).
template <class IO, class T, class F>
void FirstElement(IO& io, std::vector<T>& v, F&& fn) {
  if constexpr (IO::kReading) {
    v.assign(1, T{});
    fn(v[0]);
  } else if (v.empty()) {
    T none{};
    fn(none);
  } else {
    fn(v[0]);
  }
}

std::string MessageName(ApiKey key, const char* kind, int16_t version);
void EncodeRequestHeader(Writer& w, const RequestHeader& header);

}  // namespace basin::kafka::internal

namespace basin::kafka {

// The codec.h templates. `Fields` is found by argument-dependent lookup among the overloads that the
// including codec_*.cc defines in this namespace.

template <class M>
M DecodeRequestBody(Reader& reader) {
  M m;
  Fields(reader, m);
  reader.ExpectEnd();
  return m;
}

template <class M>
EncodedFrame EncodeRequest(const RequestHeader& header, const M& body) {
  const ApiVersionRange* api = FindApi(static_cast<int16_t>(M::kApiKey));
  Writer w(header.api_version, IsFlexible(*api, header.api_version));
  internal::EncodeRequestHeader(w, header);
  Fields(w, const_cast<M&>(body));  // Writer only reads the fields
  return std::move(w).Finish();
}

template <class M>
EncodedFrame EncodeResponse(int32_t correlation_id, int16_t version, const M& body) {
  const ApiVersionRange* api = FindApi(static_cast<int16_t>(M::kApiKey));
  Writer w(version, IsFlexible(*api, version));
  w.Int32("correlation_id", correlation_id);
  if (ResponseHeaderVersion(*api, version) >= 1) w.TaggedFields();
  Fields(w, const_cast<M&>(body));  // Writer only reads the fields
  return std::move(w).Finish();
}

template <class M>
M DecodeResponse(SharedBytes frame, int16_t version, int32_t* correlation_id) {
  const ApiVersionRange* api = FindApi(static_cast<int16_t>(M::kApiKey));
  Reader r(std::move(frame));
  r.SetContext(internal::MessageName(M::kApiKey, "Response", version));
  r.SetVersion(version, IsFlexible(*api, version));
  r.Int32("correlation_id", *correlation_id);
  if (ResponseHeaderVersion(*api, version) >= 1) r.TaggedFields();
  M m;
  Fields(r, m);
  r.ExpectEnd();
  return m;
}

}  // namespace basin::kafka

/// Instantiate the codec.h templates for one API's request and response types (inside basin::kafka).
#define BASIN_KAFKA_CODEC(Request, Response)                                          \
  template Request DecodeRequestBody<Request>(Reader&);                               \
  template EncodedFrame EncodeRequest<Request>(const RequestHeader&, const Request&); \
  template EncodedFrame EncodeResponse<Response>(int32_t, int16_t, const Response&);  \
  template Response DecodeResponse<Response>(SharedBytes, int16_t, int32_t*);
