#pragma once

#include <cstddef>

#include "server/http/router.h"

namespace basin::ingest {
class EventCollector;
}

namespace basin::http {

struct EventRouteOptions {
  /// The largest body a request may carry: 413 beyond, before the body is read.
  size_t max_body_bytes = 16u << 20;
};

/// Serve `collector` (which must outlive the server) at `POST /api/v1/topics/{topic}/events`. The body is
/// one JSON object, an array of objects or NDJSON (Content-Type application/json or application/x-ndjson,
/// else sniffed; `?format=json|ndjson` overrides). Query: `key=FIELD` partitions by that field (a member
/// name or a JSON Pointer) as Kafka's default partitioner would and makes it the record key;
/// `timestamp=FIELD` stamps records with it (epoch milliseconds or a timestamp string) instead of now;
/// `offsets=true` adds each accepted event's partition and offset. Answers 200 with
/// `{"accepted": n, "partitions": [{"partition": p, "base_offset": o, "count": c}, ...], "rejected":
/// [{"index": i, "line": l, "reason": "..."}, ...]}` (rejected: events the topic's schema refused), 400 with
/// the line and column of malformed JSON (nothing appended), 404 for an unknown topic, 413 for a body or
/// event too large, 429 (in-flight budget) or 503 (disk floor) with Retry-After. The topic, disk and budget
/// are checked before the body is read.
void AddEventRoute(Router& router, ingest::EventCollector& collector, EventRouteOptions options = {});

}  // namespace basin::http
