#include "stream/session_windows.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/exception.h"
#include "stream/aggregate_states.h"
#include "stream/row_codec.h"
#include "stream/state_store.h"

namespace basin::stream {

namespace {

constexpr std::string_view kSessionPrefix = "s";
constexpr std::string_view kClosePrefix = "e";

}  // namespace

/// A session read back from the state: its bounds and groups (values, then states, as stored).
struct SessionWindows::Stored {
  std::string key;  // "s" + ...
  int64_t start = 0, end = 0;
  std::vector<std::pair<std::string_view, std::string_view>> groups;
  std::string value;  // what `groups` point into

  void Decode(const AggregateStates& states) {
    std::string_view in = value;
    end = ReadFixed<int64_t>(in);
    const uint32_t n = ReadFixed<uint32_t>(in);
    for (uint32_t i = 0; i < n; i++) {
      const uint32_t size = ReadFixed<uint32_t>(in);
      std::string_view values = ReadBytes(in, size);
      groups.emplace_back(values, ReadBytes(in, states.BytesSize(in)));
    }
  }
};

SessionWindows::SessionWindows(SessionLayout layout, const AggregateStates& states)
    : layout_(std::move(layout)), states_(states) {}

std::string SessionWindows::SessionKey(std::string_view key, int64_t start) const {
  std::string out(kSessionPrefix);
  out += key;
  AppendOrderedInt64(out, start);
  return out;
}

std::string SessionWindows::CloseKey(std::string_view key, int64_t start, int64_t end) const {
  std::string out(kClosePrefix);
  AppendOrderedInt64(out, end);
  AppendOrderedInt64(out, start);
  out += key;
  return out;
}

void SessionWindows::Add(const std::vector<Vector>& groups, size_t row, const uint8_t* payload) {
  std::string key, values;
  for (size_t g : layout_.key_groups) EncodeValue(groups[g], row, key);
  for (size_t g = 0; g < groups.size(); g++) {
    if (g != layout_.start_group && g != layout_.end_group) EncodeValue(groups[g], row, values);
  }
  const Vector& start = groups[layout_.start_group];
  const Vector& end = groups[layout_.end_group];
  const size_t r = start.IsConstant() ? 0 : row;
  if (start.IsNull(r) || end.IsNull(end.IsConstant() ? 0 : row))
    throw InternalError("a session without a time reached its state");
  pieces_[key].push_back({start.data<int64_t>()[r], end.data<int64_t>()[end.IsConstant() ? 0 : row],
                          std::move(values), payload});
}

void SessionWindows::Merge(StateBatch& batch) {
  written_.clear();
  consumed_.clear();
  StateBuffer scratch(states_);
  for (auto& [key, pieces] : pieces_) {
    // The key's open sessions, then the new ones, by start; overlapping or touching ones are one session.
    std::vector<Stored> stored;
    std::string begin(kSessionPrefix);
    begin += key;
    batch.Scan(begin, begin + std::string(9, '\xff'), [&](std::string_view k, std::string_view v) {
      Stored s;
      s.key = std::string(k);
      std::string_view start = k.substr(begin.size());
      s.start = ReadOrderedInt64(start);
      s.value = std::string(v);
      stored.push_back(std::move(s));
      return true;
    });
    for (Stored& s : stored) s.Decode(states_);
    struct Item {
      int64_t start, end;
      int stored;  // index into `stored`, or -1
      const Piece* piece;
    };
    std::vector<Item> items;
    for (size_t i = 0; i < stored.size(); i++)
      items.push_back({stored[i].start, stored[i].end, int(i), nullptr});
    for (const Piece& p : pieces) items.push_back({p.start, p.end, -1, &p});
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.start < b.start; });

    for (size_t first = 0; first < items.size();) {
      size_t last = first + 1;
      int64_t end = items[first].end;
      while (last < items.size() && items[last].start <= end) end = std::max(end, items[last++].end);
      const bool unchanged = last == first + 1 && items[first].stored >= 0;
      if (!unchanged) {
        // One session: each group's states combined over its parts.
        std::map<std::string, std::unique_ptr<StateBuffer>> groups;
        auto fold = [&](std::string_view values, const uint8_t* state) {
          auto [it, fresh] = groups.try_emplace(std::string(values));
          if (fresh) it->second = std::make_unique<StateBuffer>(states_);
          states_.Combine(state, it->second->data());
        };
        for (size_t i = first; i < last; i++) {
          if (items[i].piece) {
            fold(items[i].piece->groups, items[i].piece->payload);
            continue;
          }
          const Stored& s = stored[static_cast<size_t>(items[i].stored)];
          for (auto [values, state] : s.groups) {
            states_.Load(state, scratch.data());
            fold(values, scratch.data());
          }
          batch.Delete(s.key);
          batch.Delete(CloseKey(key, s.start, s.end));
          consumed_.push_back({s.key.substr(kSessionPrefix.size()), s.end});
        }
        std::string value;
        AppendFixed<int64_t>(value, end);
        AppendFixed<uint32_t>(value, static_cast<uint32_t>(groups.size()));
        for (const auto& [values, state] : groups) {
          AppendFixed<uint32_t>(value, static_cast<uint32_t>(values.size()));
          value += values;
          value += states_.Bytes(state->data());
        }
        batch.Put(SessionKey(key, items[first].start), value);
        batch.Put(CloseKey(key, items[first].start, end), "");
        written_.push_back({SessionKey(key, items[first].start).substr(kSessionPrefix.size()), end});
      }
      first = last;
    }
  }
  pieces_.clear();
}

size_t SessionWindows::EmitClosed(int64_t watermark, StateBatch& batch, const Emit& emit) {
  if (watermark == INT64_MIN) return 0;
  std::vector<std::string> closed;
  batch.Scan(kClosePrefix, OrderedKeyBound(kClosePrefix, watermark),
             [&](std::string_view k, std::string_view) {
               closed.emplace_back(k);
               return true;
             });
  StateBuffer state(states_);
  for (const std::string& close : closed) {
    std::string_view in = std::string_view(close).substr(kClosePrefix.size());
    Stored s;
    const int64_t session_end = ReadOrderedInt64(in);
    s.start = ReadOrderedInt64(in);
    s.key = SessionKey(in, s.start);
    std::optional<std::string> value = batch.Get(s.key);
    if (!value) throw DataError(sqlstate::kDataCorrupted, "stream state: a closing session is missing");
    s.value = std::move(*value);
    s.Decode(states_);
    for (auto [values, bytes] : s.groups) {
      states_.Load(bytes, state.data());
      emit([&](DataChunk& out, size_t row) { Fill(out, row, values, s.start, session_end); }, state.data());
    }
    batch.Delete(s.key);
    batch.Delete(close);
  }
  return closed.size();
}

void SessionWindows::Fill(DataChunk& out, size_t row, std::string_view values, int64_t start,
                          int64_t end) const {
  for (size_t g = 0; g < layout_.group_types.size(); g++) {
    Vector& column = out.column(g);
    if (g == layout_.start_group || g == layout_.end_group) {
      column.data<int64_t>()[row] = g == layout_.start_group ? start : end;
    } else {
      DecodeValue(values, column, row);
    }
  }
}

std::vector<SessionWindows::Session> SessionWindows::EndingBy(int64_t t, StateBatch& batch) const {
  std::vector<Session> out;
  batch.Scan(kClosePrefix, OrderedKeyBound(kClosePrefix, t), [&](std::string_view k, std::string_view) {
    std::string_view in = k.substr(kClosePrefix.size());
    const int64_t end = ReadOrderedInt64(in);
    const int64_t start = ReadOrderedInt64(in);
    out.push_back({SessionKey(in, start).substr(kSessionPrefix.size()), end});
    return true;
  });
  return out;
}

void SessionWindows::Visit(const Session& session, StateBatch& batch, const Emit& emit) const {
  Stored s;
  s.key = std::string(kSessionPrefix) + session.id;
  std::optional<std::string> value = batch.Get(s.key);
  if (!value) throw DataError(sqlstate::kDataCorrupted, "stream state: a session to emit is missing");
  s.value = std::move(*value);
  s.Decode(states_);
  std::string_view id = session.id;
  id.remove_suffix(8);  // the key values, then the start
  std::string_view start_bytes = std::string_view(session.id).substr(id.size());
  s.start = ReadOrderedInt64(start_bytes);
  StateBuffer state(states_);
  for (auto [values, bytes] : s.groups) {
    states_.Load(bytes, state.data());
    emit([&](DataChunk& out, size_t row) { Fill(out, row, values, s.start, s.end); }, state.data());
  }
}

std::vector<SessionWindows::Session> SessionWindows::Forget(int64_t t, StateBatch& batch) const {
  std::vector<Session> gone = EndingBy(t, batch);
  for (const Session& s : gone) {
    std::string_view id = s.id;
    std::string_view start_bytes = id.substr(id.size() - 8);
    const int64_t start = ReadOrderedInt64(start_bytes);
    id.remove_suffix(8);
    batch.Delete(std::string(kSessionPrefix) + s.id);
    batch.Delete(CloseKey(id, start, s.end));
  }
  return gone;
}

}  // namespace basin::stream
