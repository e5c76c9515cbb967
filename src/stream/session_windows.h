#pragma once

// SESSION windows of a continuous query, merged in its state as events arrive. An epoch's rows come
// aggregated per group and event time, each a session of its own, [time, time + gap); sessions of one key
// (SESSION's key columns) that overlap or touch are merged, with the states of each group in them combined.
// A session is emitted once the watermark reaches its end (its last event + gap), then forgotten.
//
// State keys (in the view's RocksDB, beside its checkpoint):
//   "s" + key values + start   -> [i64 end][u32 n] n x ([u32 size][group values][AggregateStates::Bytes])
//   "e" + end + start + key values -> ""   (sessions by when they close)
// where start and end are order-preserving integers and group values are the groups' but for window_start
// and window_end.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vector/vector.h"

namespace basin::stream {

class AggregateStates;
class StateBatch;

/// Where a windowed view's groups are.
struct SessionLayout {
  std::vector<LogicalType> group_types;
  size_t start_group = 0;          ///< window_start
  size_t end_group = 0;            ///< window_end
  std::vector<size_t> key_groups;  ///< SESSION's key columns
};

/// One epoch's sessions: fed its groups, merged into a StateBatch, closed ones emitted. One thread.
class SessionWindows {
 public:
  SessionWindows(SessionLayout layout, const AggregateStates& states);

  /// Row `row` of `groups` (the layout's group values; window_start the event time, window_end time + gap)
  /// with its aggregate states `payload` (kept by the caller until Merge).
  void Add(const std::vector<Vector>& groups, size_t row, const uint8_t* payload);

  /// Fold the added sessions into the stored ones of their keys.
  void Merge(StateBatch& batch);

  /// A closed session's group: fill row `row` of `out`'s group columns.
  using Emit =
      std::function<void(const std::function<void(DataChunk& out, size_t row)>& fill, uint8_t* payload)>;
  /// Emit every stored session ending at or before `watermark`, and forget it. Returns how many.
  size_t EmitClosed(int64_t watermark, StateBatch& batch, const Emit& emit);

  // Sessions kept as a changelog (allowed lateness, emit = 'on_update'): the caller keeps each session's
  // emitted rows under its own keys, by session id (key values + start, SessionKey without the prefix).

  /// A session Merge wrote (new, grown or merged) or consumed (merged into a written one).
  struct Session {
    std::string id;
    int64_t end = 0;
  };
  /// After Merge: the sessions it wrote, and the stored ones it merged into them (gone from the state).
  const std::vector<Session>& written() const { return written_; }
  const std::vector<Session>& consumed() const { return consumed_; }
  /// The stored sessions ending at or before `t`.
  std::vector<Session> EndingBy(int64_t t, StateBatch& batch) const;
  /// Visit stored session `id`'s groups as EmitClosed does (window columns filled from the session).
  void Visit(const Session& session, StateBatch& batch, const Emit& emit) const;
  /// Forget the stored sessions ending at or before `t`; returns them.
  std::vector<Session> Forget(int64_t t, StateBatch& batch) const;

 private:
  struct Piece {
    int64_t start, end;
    std::string groups;
    const uint8_t* payload;
  };
  struct Stored;

  std::string SessionKey(std::string_view key, int64_t start) const;
  std::string CloseKey(std::string_view key, int64_t start, int64_t end) const;
  /// Fill a group's columns of `out` row `row`: window_start/end from the session, the others from `values`.
  void Fill(DataChunk& out, size_t row, std::string_view values, int64_t start, int64_t end) const;

  const SessionLayout layout_;
  const AggregateStates& states_;
  std::map<std::string, std::vector<Piece>> pieces_;  // by key values
  std::vector<Session> written_, consumed_;
};

}  // namespace basin::stream
