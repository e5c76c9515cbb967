#include "execution/group_hash_table.h"

#include "execution/row_operations.h"

namespace basin {

namespace {
constexpr uint64_t kSaltMask = 0xFFFFFFFF00000000ULL;
}  // namespace

GroupHashTable::GroupHashTable(std::vector<LogicalType> key_types, size_t payload_size)
    : key_types_(std::move(key_types)), payload_size_(payload_size) {
  for (auto& t : key_types_) keys_.emplace_back(t, kVectorSize);
  slots_.assign(1024, 0);
  mask_ = slots_.size() - 1;
}

size_t GroupHashTable::SizeInBytes() const {
  size_t bytes = slots_.size() * sizeof(uint64_t) + hashes_.capacity() * sizeof(uint64_t);
  for (auto& k : keys_) bytes += k.SizeInBytes(k.capacity());
  bytes += blocks_.size() * kGroupsPerBlock * payload_size_;
  return bytes;
}

uint32_t GroupHashTable::AddGroup(const DataChunk& keys, size_t row, uint64_t hash) {
  uint32_t id = static_cast<uint32_t>(hashes_.size());
  for (size_t c = 0; c < keys_.size(); c++) AppendRow(keys.column(c), row, keys_[c], id);
  hashes_.push_back(hash);
  if (id % kGroupsPerBlock == 0) {
    blocks_.push_back(
        std::unique_ptr<uint8_t[]>(new uint8_t[kGroupsPerBlock * std::max<size_t>(payload_size_, 1)]));
  }
  return id;
}

void GroupHashTable::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (uint32_t g = 0; g < hashes_.size(); g++) {
    uint64_t pos = hashes_[g] & mask_;
    while (slots_[pos]) pos = (pos + 1) & mask_;
    slots_[pos] = (hashes_[g] & kSaltMask) | (g + 1);
  }
}

void GroupHashTable::FindOrCreate(const DataChunk& keys, uint32_t* groups, std::vector<uint32_t>* created) {
  size_t count = keys.size();
  if (count == 0) return;
  std::vector<uint64_t> hashes(count, 0);
  for (size_t c = 0; c < keys.ColumnCount(); c++) HashVector(keys.column(c), count, hashes.data(), c > 0);

  // A row whose key equals the previous row's takes its group: sorted or clustered input (order lines by
  // order, events by time) then probes the table once per run instead of once per row.
  std::vector<uint8_t> same(count, 0);
  if (count > 1 && keys.ColumnCount() > 0) {
    std::vector<sel_t> rows(count - 1);
    std::vector<uint32_t> previous(count - 1);
    for (size_t i = 1; i < count; i++) {
      rows[i - 1] = static_cast<sel_t>(i);
      previous[i - 1] = static_cast<uint32_t>(i - 1);
    }
    size_t m = count - 1;
    for (size_t c = 0; c < keys.ColumnCount() && m > 0; c++) {
      m = MatchRows(keys.column(c), rows.data(), keys.column(c), previous.data(), m, true);
    }
    for (size_t k = 0; k < m; k++) same[rows[k]] = 1;
  }
  // Rows still looking for their group, and where each one's probe sequence stands.
  std::vector<sel_t> remaining;
  remaining.reserve(count);
  std::vector<uint64_t> pos(count);
  for (size_t i = 0; i < count; i++) {
    if (!same[i]) remaining.push_back(static_cast<sel_t>(i));
    pos[i] = hashes[i];
  }
  std::vector<sel_t> cand_rows(count), next;
  std::vector<uint32_t> cand_groups(count);
  while (!remaining.empty()) {
    if ((hashes_.size() + remaining.size()) * 2 > slots_.size()) {
      Grow();
      // The groups moved: a row that had probed past a salt collision starts its probe sequence over, or it
      // could pass its group's new slot and add the group a second time.
      for (sel_t row : remaining) pos[row] = hashes[row];
    }
    size_t candidates = 0;
    next.clear();
    // Large tables live in memory, not cache: start every row's slot load at once.
    if (slots_.size() > 65536) {
      for (sel_t row : remaining) __builtin_prefetch(&slots_[pos[row] & mask_]);
    }
    for (sel_t row : remaining) {
      for (;;) {
        uint64_t slot = pos[row] & mask_;
        uint64_t entry = slots_[slot];
        if (entry == 0) {
          uint32_t id = AddGroup(keys, row, hashes[row]);
          slots_[slot] = (hashes[row] & kSaltMask) | (id + 1);
          groups[row] = id;
          if (created) created->push_back(id);
          break;
        }
        if ((entry & kSaltMask) == (hashes[row] & kSaltMask)) {
          // Salt and slot agree: compare keys (a rare salt collision just fails the comparison).
          cand_rows[candidates] = row;
          cand_groups[candidates++] = static_cast<uint32_t>(entry) - 1;
          break;
        }
        pos[row]++;
      }
    }
    if (candidates == 0) break;
    // Compare candidates' keys column by column; survivors found their group, the rest probe on.
    std::vector<sel_t> match_rows(cand_rows.begin(), cand_rows.begin() + candidates);
    std::vector<uint32_t> match_groups(cand_groups.begin(), cand_groups.begin() + candidates);
    size_t matched = candidates;
    for (size_t c = 0; c < keys.ColumnCount() && matched > 0; c++) {
      matched = MatchRows(keys.column(c), match_rows.data(), keys_[c], match_groups.data(), matched, true);
    }
    std::vector<uint8_t> found(count, 0);
    for (size_t k = 0; k < matched; k++) {
      groups[match_rows[k]] = match_groups[k];
      found[match_rows[k]] = 1;
    }
    for (size_t k = 0; k < candidates; k++) {
      sel_t row = cand_rows[k];
      if (!found[row]) {
        pos[row]++;
        next.push_back(row);
      }
    }
    remaining.swap(next);
  }
  for (size_t i = 1; i < count; i++) {
    if (same[i]) groups[i] = groups[i - 1];
  }
}

}  // namespace basin
