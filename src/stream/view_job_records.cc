// ViewJob's records side (ViewPlan::RecordsSide): a topic's records kept by event time for the windows they
// meet.

#include "stream/view_job_internal.h"

#include "stream/query_engine.h"
#include "stream/state_store.h"

namespace basin::stream {

void ViewJob::RunRecords(const EpochPlan& plan, int64_t closed, int64_t watermark, StateBatch& batch,
                         Output& view, Output* late, EpochResult& result) {
  ViewPlan::RecordsSide& side = *plan_.records;
  const size_t width = side.types.size(), time_column = width + 2;
  // The epoch's records: late when a window they can meet closed before; kept in memory when only windows
  // this epoch closes can meet them; else in the state by time.
  std::vector<std::unique_ptr<DataChunk>> transient;
  int64_t row = 0;
  std::vector<sel_t> late_sel, now_sel;
  engine_->Run(ReadingFrom(*side.plan, Input(plan)), plan.time_us, [&](const DataChunk& chunk) {
    DataChunk rows;
    rows.Reference(chunk);
    rows.Flatten();
    const Vector& time = rows.column(time_column);
    late_sel.clear();
    now_sel.clear();
    for (size_t r = 0; r < rows.size(); r++) {
      const int64_t t = time.IsNull(r) ? 0 : time.data<int64_t>()[r];
      // Late when the first window it can meet (the first end at or after t + near) has closed: it would
      // miss that one, so it meets none, as the stages' late rows meet none.
      const int64_t first = t + side.near;
      const int64_t first_end = (first >= 0 ? (first + side.step - 1) / side.step : first / side.step) * side.step;
      if (time.IsNull(r) || (closed != INT64_MIN && first_end <= closed)) {
        late_sel.push_back(static_cast<sel_t>(r));
      } else if (t + side.far <= watermark) {
        now_sel.push_back(static_cast<sel_t>(r));
      } else {
        std::string key(kRecordsPrefix), value;
        AppendOrderedInt64(key, t);
        AppendOrderedInt64(key, plan.epoch);
        AppendOrderedInt64(key, row++);
        EncodeRow(rows, 0, width, r, value);
        batch.Put(key, value);
      }
    }
    result.late += static_cast<int64_t>(late_sel.size());
    if (late && !late_sel.empty()) {
      AppendLate(*late, rows, late_sel, {width, width + 1, time_column, SIZE_MAX, SIZE_MAX}, side.time_type,
                 closed);
    }
    if (!now_sel.empty()) {
      const DataChunk columns = Columns(rows, width);
      DataChunk part;
      part.Slice(columns, now_sel.data(), now_sel.size());
      transient.push_back(std::make_unique<DataChunk>());
      transient.back()->Append(part);
    }
    return true;
  });
  // The windows the stages closed in this epoch, and the records their ends can meet: the plan over them.
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (const ViewPlan::Stage& stage : plan_.stages) {
    if (stage.window_end_column < 0) continue;
    for (const auto& chunk : *stage.rows) {
      const Vector& end = chunk->column(static_cast<size_t>(stage.window_end_column));
      for (size_t r = 0; r < chunk->size(); r++) {
        const size_t i = end.IsConstant() ? 0 : r;
        if (end.IsNull(i)) continue;
        first = std::min(first, end.data<int64_t>()[i]);
        last = std::max(last, end.data<int64_t>()[i]);
      }
    }
  }
  if (first <= last && view.write) {
    std::vector<std::unique_ptr<DataChunk>> rows = std::move(transient);
    std::string begin(kRecordsPrefix);
    AppendOrderedInt64(begin, first - side.far);
    batch.Scan(begin, OrderedKeyBound(kRecordsPrefix, last - side.near),
               [&](std::string_view, std::string_view value) {
                 if (rows.empty() || rows.back()->size() == kVectorSize)
                   rows.push_back(std::make_unique<DataChunk>(side.types));
                 DataChunk& chunk = *rows.back();
                 DecodeRow(value, chunk, 0, width, chunk.size());
                 chunk.SetCardinality(chunk.size() + 1);
                 return true;
               });
    *side.rows = std::move(rows);
    try {
      engine_->Run(plan_.input->Copy(), plan.time_us, [&](const DataChunk& out) {
        view.Append(out);
        return true;
      });
    } catch (...) {
      side.rows->clear();
      throw;
    }
    side.rows->clear();
  }
  // Records no open window can meet any more leave the state.
  if (watermark == INT64_MIN) return;
  std::vector<std::string> done;
  batch.Scan(kRecordsPrefix, OrderedKeyBound(kRecordsPrefix, watermark - side.far),
             [&](std::string_view key, std::string_view) {
               done.emplace_back(key);
               return true;
             });
  for (const std::string& key : done) batch.Delete(key);
}

}  // namespace basin::stream
