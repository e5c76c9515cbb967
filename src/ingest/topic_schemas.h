#pragma once

// The rule of topics that declare a schema (log/schema_validation.h), applied to collected events as the
// Kafka broker and SQL apply it to their records: what fits is appended, what does not goes to the topic's
// dead-letter topic "<topic>.dlq" with the reason. Nothing is dropped silently.

#include "ingest/event_collector.h"

namespace basin::ingest {

/// Set `options`' validator and dead-letter hooks to the topics' schemas: an event that is not a JSON
/// object whose declared fields fit their types is refused with the reason (the collector's answer lists
/// it) and appended to "<topic>.dlq" by log::AppendDeadLetters, with its key, its timestamp (or the
/// collector's clock) and the `basin.error` header, in the partition its key maps to (0 for a keyless
/// event, which no partition took). `logs` must be the collector's and outlive it; set `options.clock`
/// first.
void UseTopicSchemas(log::LogManager& logs, CollectorOptions& options);

}  // namespace basin::ingest
