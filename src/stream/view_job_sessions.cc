// ViewJob's SESSION windows: merged in the state, emitted on close or kept as a changelog.

#include "stream/view_job_internal.h"

#include <set>

#include "stream/session_windows.h"
#include "stream/state_store.h"

namespace basin::stream {

void ViewJob::MergeSessions(Aggregation& aggregation, int64_t watermark, StateBatch& batch,
                            WindowEmitter& emit) {
  SessionWindows sessions(
      {plan_.group_types, plan_.window_start_group, plan_.window_end_group, plan_.session_key_groups},
      *states_);
  for (uint32_t g = 0; g < aggregation.GroupCount(); g++)
    sessions.Add(aggregation.keys(), g, aggregation.Payload(g));
  sessions.Merge(batch);
  sessions.EmitClosed(watermark, batch, [&](const auto& fill, uint8_t* payload) { emit.Add(fill, payload); });
}

void ViewJob::UpdateSessions(const EpochPlan& plan, Aggregation& aggregation, int64_t watermark,
                             StateBatch& batch, Output& view) {
  SessionWindows sessions(
      {plan_.group_types, plan_.window_start_group, plan_.window_end_group, plan_.session_key_groups},
      *states_);
  for (uint32_t g = 0; g < aggregation.GroupCount(); g++)
    sessions.Add(aggregation.keys(), g, aggregation.Payload(g));
  sessions.Merge(batch);
  // A session's rows, by the session's id: retracted (merged into another) or forgotten (past the lateness).
  auto rows_of = [&](const std::string& id, bool retract) {
    const std::string prefix = std::string(kSessionRowPrefix) + id;
    std::vector<std::string> keys;
    batch.Scan(prefix, prefix + '\xff', [&](std::string_view key, std::string_view row) {
      if (retract) view.Retract(std::string(row));
      keys.emplace_back(key);
      return true;
    });
    for (const std::string& key : keys) batch.Delete(key);
    return !keys.empty();
  };
  for (const SessionWindows::Session& s : sessions.consumed()) rows_of(s.id, /*retract=*/true);
  // Emitted: the sessions the epoch wrote (on_close: those the watermark has closed), and on_close the
  // sessions the watermark closed now that were not emitted yet.
  std::vector<SessionWindows::Session> emit;
  std::set<std::string> chosen;
  for (const SessionWindows::Session& s : sessions.written()) {
    if (!on_update_ && s.end > watermark) continue;
    emit.push_back(s);
    chosen.insert(s.id);
  }
  if (!on_update_ && watermark != INT64_MIN) {
    for (const SessionWindows::Session& s : sessions.EndingBy(watermark, batch)) {
      if (chosen.count(s.id)) continue;
      bool shown = false;
      const std::string prefix = std::string(kSessionRowPrefix) + s.id;
      batch.Scan(prefix, prefix + '\xff',
                 [&](std::string_view, std::string_view) { return !(shown = true); });
      if (!shown) emit.push_back(s);
    }
  }
  ReemitSessions(plan, sessions, emit, batch, view);
  // Forgotten: sessions the watermark passed by more than the lateness; their rows stay in the view.
  if (watermark == INT64_MIN) return;
  const int64_t limit = watermark < INT64_MIN + lateness_ ? INT64_MIN : watermark - lateness_;
  for (const SessionWindows::Session& s : sessions.Forget(limit, batch)) rows_of(s.id, /*retract=*/false);
}

void ViewJob::ReemitSessions(const EpochPlan& plan, SessionWindows& sessions,
                             const std::vector<SessionWindows::Session>& emit, StateBatch& batch,
                             Output& view) {
  const size_t groups = plan_.group_types.size(), width = plan_.names.size();
  auto rows = std::make_unique<DataChunk>(plan_.output_row_types);
  std::vector<std::string> keys;  // by ordinal: where each row's group keeps the row it gave
  auto flush = [&] {
    if (keys.empty()) return;
    std::vector<std::optional<std::string>> after(keys.size());
    RunOutput(plan, std::move(rows), [&](const DataChunk& out) {
      const Vector& ordinal = out.column(width);
      for (size_t i = 0; i < out.size(); i++) {
        std::string row;
        EncodeRow(out, 0, width, i, row);
        after[static_cast<size_t>(ordinal.data<int64_t>()[ordinal.IsConstant() ? 0 : i])] = std::move(row);
      }
    });
    for (size_t r = 0; r < keys.size(); r++) {
      const std::optional<std::string> before = batch.Get(keys[r]);
      if (before == after[r]) continue;
      if (before) view.Retract(*before);
      if (after[r]) {
        view.Insert(*after[r], plan_.types);
        batch.Put(keys[r], *after[r]);
      } else {
        batch.Delete(keys[r]);
      }
    }
    keys.clear();
    rows = std::make_unique<DataChunk>(plan_.output_row_types);
  };
  for (const SessionWindows::Session& s : emit) {
    sessions.Visit(s, batch, [&](const auto& fill, uint8_t* payload) {
      const size_t r = rows->size();
      fill(*rows, r);
      states_->Finalize(payload, *rows, groups, r);
      rows->column(groups + states_->count()).data<int64_t>()[r] = static_cast<int64_t>(r);
      rows->SetCardinality(r + 1);
      std::string key = std::string(kSessionRowPrefix) + s.id;
      for (size_t g = 0; g < groups; g++) {
        if (g != plan_.window_start_group && g != plan_.window_end_group)
          EncodeValue(rows->column(g), r, key);
      }
      keys.push_back(std::move(key));
      if (rows->size() == kVectorSize) flush();
    });
  }
  flush();
}

}  // namespace basin::stream
