// ViewJob's windows (TUMBLE/HOP, on close and as a changelog), changelog groups and top-N partitions.

#include "stream/view_job_internal.h"

#include <map>
#include <set>

#include "stream/state_store.h"

namespace basin::stream {

namespace {

/// A top-N partition's stored value: [u32 n] n x ([u32 size][ranked row]), then the view rows it gave, alike.
std::string EncodeRankedPartition(const std::vector<std::string>& rows,
                                  const std::vector<std::string>& shown) {
  std::string value;
  for (const auto* list : {&rows, &shown}) {
    AppendFixed<uint32_t>(value, static_cast<uint32_t>(list->size()));
    for (const std::string& row : *list) {
      AppendFixed<uint32_t>(value, static_cast<uint32_t>(row.size()));
      value += row;
    }
  }
  return value;
}

void DecodeRankedPartition(std::string_view value, std::vector<std::string>& rows,
                           std::vector<std::string>& shown) {
  for (auto* list : {&rows, &shown}) {
    const uint32_t n = ReadFixed<uint32_t>(value);
    for (uint32_t i = 0; i < n; i++) list->emplace_back(ReadBytes(value, ReadFixed<uint32_t>(value)));
  }
}

}  // namespace

void ViewJob::MergeWindows(Aggregation& aggregation, int64_t watermark, StateBatch& batch,
                           WindowEmitter& emit) {
  StateBuffer merged(*states_);
  constexpr size_t kGroupsAt = kWindowPrefix.size() + 8;  // a key's group values, past the window end
  for (uint32_t g = 0; g < aggregation.GroupCount(); g++) {
    const std::string key = aggregation.Key(g);
    uint8_t* payload = aggregation.Payload(g);
    std::optional<std::string> stored = batch.Get(key);
    if (!stored && aggregation.WindowEnd(g) <= watermark) {
      emit.Add(std::string_view(key).substr(kGroupsAt), payload);  // opened and closed in this epoch
      continue;
    }
    if (stored) {
      states_->Load(*stored, merged.data());
      states_->Combine(payload, merged.data());
      payload = merged.data();
    }
    batch.Put(key, states_->Bytes(payload));
  }
}

void ViewJob::EmitClosedWindows(int64_t watermark, StateBatch& batch, WindowEmitter& emit) {
  if (watermark == INT64_MIN) return;
  std::vector<std::string> closed;
  StateBuffer state(*states_);
  batch.Scan(kWindowPrefix, OrderedKeyBound(kWindowPrefix, watermark),
             [&](std::string_view key, std::string_view value) {
               states_->Load(value, state.data());
               emit.Add(key.substr(kWindowPrefix.size() + 8), state.data());
               closed.emplace_back(key);
               return true;
             });
  for (const std::string& key : closed) batch.Delete(key);
}

void ViewJob::EmitChangedGroups(const EpochPlan& plan, Aggregation& aggregation, StateBatch& batch,
                                Output& view, Aggregation* retracted) {
  std::vector<std::string> emptied;
  std::vector<std::string> keys = FoldGroups(aggregation, batch, retracted, &emptied);
  for (const std::string& row : emptied) view.Retract(row);
  ReemitGroups(plan, keys, batch, view);
}

std::vector<std::string> ViewJob::FoldGroups(Aggregation& aggregation, StateBatch& batch,
                                             Aggregation* retracted, std::vector<std::string>* emptied) {
  StateBuffer total(*states_);
  std::vector<std::string> keys;
  for (uint32_t g = 0; g < aggregation.GroupCount(); g++) {
    std::string key = aggregation.Key(g);
    std::optional<std::string> row;
    if (std::optional<std::string> stored = batch.Get(key)) {
      std::string_view state;
      DecodeGroupValue(*stored, state, row);
      states_->Load(state, total.data());
      states_->Combine(aggregation.Payload(g), total.data());
    } else {
      states_->Copy(aggregation.Payload(g), total.data());
    }
    batch.Put(key, EncodeGroupValue(states_->Bytes(total.data()), row));
    keys.push_back(std::move(key));
  }
  if (plan_.kind == ViewKind::kChangelog && plan_.group_types.empty() && keys.empty()) {
    // A global aggregate has its one row over no rows too (count 0), as in batch: the first epoch makes it.
    const std::string key(kGroupPrefix);
    if (!batch.Get(key)) {
      StateBuffer none(*states_);
      batch.Put(key, EncodeGroupValue(states_->Bytes(none.data()), std::nullopt));
      keys.push_back(key);
    }
  }
  if (!retracted) return keys;
  // Rows retracted from a changelog: their states subtracted; a group with no rows left leaves the view.
  std::set<std::string> gone;
  for (uint32_t g = 0; g < retracted->GroupCount(); g++) {
    std::string key = retracted->Key(g);
    std::optional<std::string> stored = batch.Get(key);
    if (!stored) throw InternalError("materialized view " + name_ + ": a retracted row's group has no state");
    std::string_view state;
    std::optional<std::string> row;
    DecodeGroupValue(*stored, state, row);
    states_->Load(state, total.data());
    states_->Subtract(retracted->Payload(g), total.data());
    // (A global aggregate keeps its one row over no rows, as in batch: count 0, sum NULL.)
    if (states_->Rows(total.data()) > 0 || plan_.group_types.empty()) {
      batch.Put(key, EncodeGroupValue(states_->Bytes(total.data()), row));
      keys.push_back(std::move(key));
      continue;
    }
    if (row) emptied->push_back(std::move(*row));
    batch.Delete(key);
    gone.insert(std::move(key));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  keys.erase(
      std::remove_if(keys.begin(), keys.end(), [&](const std::string& k) { return gone.count(k) > 0; }),
      keys.end());
  return keys;
}

void ViewJob::ReemitGroups(const EpochPlan& plan, const std::vector<std::string>& keys, StateBatch& batch,
                           Output& view) {
  const size_t groups = plan_.group_types.size(), width = plan_.names.size();
  const size_t prefix = plan_.kind == ViewKind::kWindowed ? kWindowPrefix.size() + 8 : kGroupPrefix.size();
  StateBuffer total(*states_);
  for (size_t start = 0; start < keys.size(); start += kVectorSize) {
    const size_t count = std::min<size_t>(kVectorSize, keys.size() - start);
    auto rows = std::make_unique<DataChunk>(plan_.output_row_types);
    std::vector<std::string> states(count);
    std::vector<std::optional<std::string>> before(count), after(count);
    for (size_t r = 0; r < count; r++) {
      const std::string& key = keys[start + r];
      std::string_view values = std::string_view(key).substr(prefix);
      DecodeRow(values, *rows, 0, groups, r);
      std::optional<std::string> stored = batch.Get(key);
      if (!stored) throw InternalError("a group to emit has no state");
      std::string_view state;
      DecodeGroupValue(*stored, state, before[r]);
      states[r] = std::string(state);
      states_->Load(state, total.data());
      states_->Finalize(total.data(), *rows, groups, r);
      rows->column(groups + states_->count()).data<int64_t>()[r] = static_cast<int64_t>(r);
    }
    rows->SetCardinality(count);
    RunOutput(plan, std::move(rows), [&](const DataChunk& out) {
      const Vector& ordinal = out.column(width);
      for (size_t i = 0; i < out.size(); i++) {
        std::string row;
        EncodeRow(out, 0, width, i, row);
        after[ordinal.data<int64_t>()[ordinal.IsConstant() ? 0 : i]] = std::move(row);
      }
    });
    // The changelog: each changed group's old row out, its new row in.
    for (size_t r = 0; r < count; r++) {
      if (before[r] == after[r]) continue;
      if (before[r]) view.Retract(*before[r]);
      if (after[r]) view.Insert(*after[r], plan_.types);
      batch.Put(keys[start + r], EncodeGroupValue(states[r], after[r]));
    }
  }
}

void ViewJob::RankPartitions(const EpochPlan& plan,
                             std::map<std::string, std::vector<std::string>>& candidates, StateBatch& batch,
                             Output& view) {
  // Each partition's candidates: its stored top N, then the epoch's rows; ranked by the output plan a few
  // thousand at a time, whole partitions together.
  constexpr size_t kRowsPerRun = 16 * kVectorSize;
  const size_t width = plan_.names.size();
  std::vector<std::string> keys;
  std::vector<std::vector<std::string>> rows, before, after;
  std::vector<std::vector<bool>> kept;
  std::vector<std::pair<size_t, size_t>> origin;  // by ordinal: (partition, candidate)
  auto run = [&] {
    std::vector<std::unique_ptr<DataChunk>> chunks;
    for (size_t p = 0; p < keys.size(); p++) {
      for (size_t c = 0; c < rows[p].size(); c++) {
        if (chunks.empty() || chunks.back()->size() == kVectorSize)
          chunks.push_back(std::make_unique<DataChunk>(plan_.output_row_types));
        DataChunk& chunk = *chunks.back();
        const size_t r = chunk.size();
        std::string_view in = rows[p][c];
        DecodeRow(in, chunk, 0, plan_.row_width, r);
        chunk.column(plan_.row_width).data<int64_t>()[r] = static_cast<int64_t>(origin.size());
        chunk.SetCardinality(r + 1);
        origin.emplace_back(p, c);
      }
    }
    RunOutput(plan, std::move(chunks), [&](const DataChunk& out) {
      const Vector& ordinal = out.column(width);
      for (size_t i = 0; i < out.size(); i++) {
        auto [p, c] = origin.at(static_cast<size_t>(ordinal.data<int64_t>()[ordinal.IsConstant() ? 0 : i]));
        std::string row;
        EncodeRow(out, 0, width, i, row);
        after[p].push_back(std::move(row));
        kept[p][c] = true;
      }
    });
    for (size_t p = 0; p < keys.size(); p++) {
      // The changelog: rows that left the top N out, rows that entered it in.
      std::sort(before[p].begin(), before[p].end());
      std::sort(after[p].begin(), after[p].end());
      std::vector<std::string> gone, came;
      std::set_difference(before[p].begin(), before[p].end(), after[p].begin(), after[p].end(),
                          std::back_inserter(gone));
      std::set_difference(after[p].begin(), after[p].end(), before[p].begin(), before[p].end(),
                          std::back_inserter(came));
      for (const std::string& row : gone) view.Retract(row);
      for (const std::string& row : came) view.Insert(row, plan_.types);
      std::vector<std::string> top;
      for (size_t c = 0; c < rows[p].size(); c++) {
        if (kept[p][c]) top.push_back(std::move(rows[p][c]));
      }
      if (top.empty()) {
        batch.Delete(keys[p]);
      } else {
        batch.Put(keys[p], EncodeRankedPartition(top, after[p]));
      }
    }
    keys.clear(), rows.clear(), before.clear(), after.clear(), kept.clear(), origin.clear();
  };
  size_t pending = 0;
  for (auto& [key, fresh] : candidates) {
    std::vector<std::string> all, shown;
    if (std::optional<std::string> stored = batch.Get(key)) DecodeRankedPartition(*stored, all, shown);
    for (std::string& row : fresh) all.push_back(std::move(row));
    pending += all.size();
    keys.push_back(key);
    kept.emplace_back(all.size(), false);
    rows.push_back(std::move(all));
    before.push_back(std::move(shown));
    after.emplace_back();
    if (pending >= kRowsPerRun) {
      run();
      pending = 0;
    }
  }
  if (!keys.empty()) run();
}

void ViewJob::UpdateWindows(const EpochPlan& plan, Aggregation& aggregation, int64_t watermark,
                            StateBatch& batch, Output& view) {
  auto window_end = [](std::string_view key) {
    key.remove_prefix(kWindowPrefix.size());
    return ReadOrderedInt64(key);
  };
  // Emitted: windows the epoch changed (on_close: those the watermark has closed), and on_close the windows
  // the watermark closed now that were not emitted yet.
  std::vector<std::string> emit;
  for (std::string& key : FoldGroups(aggregation, batch)) {
    if (on_update_ || window_end(key) <= watermark) emit.push_back(std::move(key));
  }
  if (watermark == INT64_MIN) {
    ReemitGroups(plan, emit, batch, view);
    return;
  }
  if (!on_update_) {
    std::set<std::string> chosen(emit.begin(), emit.end());
    batch.Scan(kWindowPrefix, OrderedKeyBound(kWindowPrefix, watermark),
               [&](std::string_view key, std::string_view value) {
                 std::string_view state;
                 std::optional<std::string> row;
                 DecodeGroupValue(value, state, row);
                 if (!row && !chosen.count(std::string(key))) emit.emplace_back(key);
                 return true;
               });
  }
  ReemitGroups(plan, emit, batch, view);
  // Forgotten: windows the watermark passed by more than the lateness (their events are late from now on).
  std::vector<std::string> done;
  const int64_t limit = watermark < INT64_MIN + lateness_ ? INT64_MIN : watermark - lateness_;
  batch.Scan(kWindowPrefix, OrderedKeyBound(kWindowPrefix, limit),
             [&](std::string_view key, std::string_view) {
               done.emplace_back(key);
               return true;
             });
  for (const std::string& key : done) batch.Delete(key);
}

}  // namespace basin::stream
