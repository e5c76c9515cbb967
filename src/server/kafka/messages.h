#pragma once

// Every request and response this server speaks, and the request header.

#include <cstdint>
#include <optional>
#include <string>

#include "server/kafka/messages_admin.h"
#include "server/kafka/messages_data.h"
#include "server/kafka/messages_group.h"

namespace basin::kafka {

/// The request header: v1 (client id), or v2 (v1 plus tagged fields) for flexible versions. The client id
/// keeps its int16 length even in v2, so that any broker can read an ApiVersions request's header.
struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  bool operator==(const RequestHeader&) const = default;
};

}  // namespace basin::kafka
