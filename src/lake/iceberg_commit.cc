// Iceberg tables: publishing a statement's files as a new snapshot, with optimistic concurrency.

#include <algorithm>
#include <filesystem>
#include <random>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/exception.h"
#include "lake/iceberg_internal.h"
#include "lake/iceberg_table.h"
#include "lake/puffin.h"

namespace basin::iceberg {

namespace {

namespace fs = std::filesystem;

constexpr int kCommitAttempts = 100;

/// N of ".../v<N>.metadata.json" (0 when the name has another form).
int64_t MetadataVersion(const std::string& location) {
  std::string name = fs::path(location).filename().string();
  if (name.size() < 2 || name[0] != 'v') return 0;
  return std::strtoll(name.c_str() + 1, nullptr, 10);
}

/// Our deletes must still make sense on the version we commit onto: their data files still live and their
/// rows not deleted by a commit made meanwhile (the first writer wins, as in Iceberg's validation).
void ValidateDeletes(const TableState& base, const TableState& current,
                     const std::map<uint32_t, std::vector<int64_t>>& deleted) {
  std::map<std::string, const TableState::LiveFile*> live;
  for (const auto& f : current.files) live[f.file.path] = &f;
  for (auto& [index, positions] : deleted) {
    const std::string& path = base.files.at(index).file.path;
    auto it = live.find(path);
    bool conflict = it == live.end();
    if (!conflict && it->second->deleted) {
      const auto& theirs = *it->second->deleted;
      for (int64_t p : positions) conflict = conflict || std::binary_search(theirs.begin(), theirs.end(), p);
    }
    if (conflict) {
      throw Exception(sqlstate::kSerializationFailure,
                      "could not serialize access due to concurrent update of table \"" + current.metadata.location + "\"");
    }
  }
}

/// The new snapshot's statistics: the current sketches merged with those of the rows just written. Only
/// the newest statistics file is listed; older ones are left for VACUUM.
void WriteStatistics(TableMetadata& md, const TableState& current, const Snapshot& snap,
                     const std::map<int32_t, DistinctSketch>& sketches) {
  std::map<int32_t, DistinctSketch> merged = current.distinct;
  for (auto& [id, sketch] : sketches) merged[id].Merge(sketch);
  std::vector<PuffinBlob> blobs;
  nlohmann::ordered_json blob_metadata = nlohmann::ordered_json::array();
  for (auto& [id, sketch] : merged) {
    PuffinBlob b;
    b.type = "basin-hll-v1";
    b.fields = {id};
    b.snapshot_id = snap.snapshot_id;
    b.sequence_number = snap.sequence_number;
    b.properties["ndv"] = std::to_string(static_cast<int64_t>(sketch.Estimate()));
    b.data = sketch.Serialize();
    blob_metadata.push_back({{"type", b.type}, {"snapshot-id", b.snapshot_id}, {"sequence-number", b.sequence_number},
                             {"fields", b.fields}, {"properties", b.properties}});
    blobs.push_back(std::move(b));
  }
  StatisticsFile st;
  st.snapshot_id = snap.snapshot_id;
  st.path = md.location + "/metadata/" + std::to_string(snap.snapshot_id) + "-" + NewUuid() + ".stats";
  std::tie(st.file_size, st.footer_size) = WritePuffin(st.path, blobs);
  st.blob_metadata_json = blob_metadata.dump();
  md.statistics = {std::move(st)};
}

}  // namespace

std::string CommittedProperty(const TableMetadata& md, const std::string& key) {
  std::map<int64_t, const Snapshot*> by_id;
  for (const Snapshot& s : md.snapshots) by_id[s.snapshot_id] = &s;
  std::optional<int64_t> id = md.current_snapshot_id;
  for (size_t steps = 0; id && steps <= md.snapshots.size(); steps++) {
    auto it = by_id.find(*id);
    if (it == by_id.end()) break;  // expired
    auto found = it->second->summary.find(key);
    if (found != it->second->summary.end()) return found->second;
    id = it->second->parent_id;
  }
  return "";
}

int64_t NewSnapshotId() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  return static_cast<int64_t>(rng() >> 1);  // positive, as Iceberg ids are
}

std::string NewManifestPath(const TableMetadata& md, size_t n) {
  return md.location + "/metadata/" + NewUuid() + "-m" + std::to_string(n) + ".avro";
}

void AddManifests(const TableMetadata& md, const std::vector<ManifestEntry>& entries, FileContent content,
                  int64_t snapshot_id, int64_t sequence, std::vector<ManifestFile>& manifests) {
  std::map<int32_t, std::vector<ManifestEntry>> by_spec;
  for (const ManifestEntry& e : entries) by_spec[e.file.spec_id].push_back(e);
  for (auto& [spec_id, group] : by_spec) {
    manifests.push_back(WriteManifest(NewManifestPath(md, manifests.size()), group, md, spec_id, content, snapshot_id,
                                      sequence));
  }
}

/// Iceberg's manifest merging (commit.manifest-merge.enabled, commit.manifest.min-count-to-merge, default
/// 100): once a snapshot would list that many manifests, the current ones are rewritten into one per content
/// and spec, their live entries kept as EXISTING with their sequence numbers, so that manifest lists and the
/// loading of a table stay small however many commits it had.
void MergeManifests(const TableMetadata& md, const TableState& current, int64_t snapshot_id, int64_t sequence,
                    std::vector<ManifestFile>& manifests) {
  auto prop = [&](const char* key, const char* fallback) {
    auto it = md.properties.find(key);
    return it == md.properties.end() ? std::string(fallback) : it->second;
  };
  const size_t min_count = static_cast<size_t>(std::max(2LL, std::atoll(prop("commit.manifest.min-count-to-merge", "100").c_str())));
  if (prop("commit.manifest-merge.enabled", "true") != "true" || manifests.size() + current.manifests.size() < min_count) {
    manifests.insert(manifests.end(), current.manifests.begin(), current.manifests.end());
    return;
  }
  std::vector<ManifestEntry> data, deletes;
  for (const ManifestFile& m : current.manifests) {
    auto it = current.manifest_entries.find(m.path);
    auto entries = it != current.manifest_entries.end() ? it->second
                                                        : std::make_shared<const std::vector<ManifestEntry>>(ReadManifest(m, &md));
    for (ManifestEntry e : *entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      e.status = EntryStatus::kExisting;
      (e.file.content == FileContent::kData ? data : deletes).push_back(std::move(e));
    }
  }
  AddManifests(md, data, FileContent::kData, snapshot_id, sequence, manifests);
  AddManifests(md, deletes, FileContent::kPositionDeletes, snapshot_id, sequence, manifests);
}

void IcebergTable::Commit(const std::function<void(TableMetadata&, const TableState&, int)>& change) {
  for (int attempt = 1; attempt <= kCommitAttempts; attempt++) {
    std::shared_ptr<const TableState> current = State();
    TableMetadata md = current->metadata;
    change(md, *current, attempt);
    md.last_updated_ms = std::max(NowMillis(), md.last_updated_ms);
    md.metadata_log.emplace_back(current->metadata.last_updated_ms, current->metadata_location);
    // Iceberg's write.metadata.previous-versions-max (default 100): the log stays short however many commits.
    auto max_log = md.properties.find("write.metadata.previous-versions-max");
    size_t keep = max_log == md.properties.end() ? 100 : static_cast<size_t>(std::max(1LL, std::atoll(max_log->second.c_str())));
    if (md.metadata_log.size() > keep) md.metadata_log.erase(md.metadata_log.begin(), md.metadata_log.end() - keep);
    // The next free version number: a crashed commit may have left one behind, unreferenced.
    const std::string meta_dir = md.location + "/metadata/";
    std::string json = md.ToJson();
    std::string location;
    for (int64_t v = MetadataVersion(current->metadata_location) + 1;; v++) {
      location = meta_dir + "v" + std::to_string(v) + ".metadata.json";
      if (WriteFileAtomic(location, json, /*exclusive=*/true)) break;
    }
    if (!pointer_->Swap(current->metadata_location, location)) {
      std::error_code ec;
      fs::remove(location, ec);  // another writer committed first: retry on its version
      continue;
    }
    // Path-based readers (the file-system catalog convention) find the new version from the hint.
    WriteFileAtomic(meta_dir + "version-hint.text", std::to_string(MetadataVersion(location)));
    auto next = BuildState(location, std::move(md), current.get());
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = std::move(next);
    return;
  }
  throw Exception(sqlstate::kSerializationFailure,
                  "could not commit to \"" + State()->metadata.location + "\": too many concurrent writers");
}

Snapshot IcebergTable::AddSnapshot(TableMetadata& md, const std::vector<ManifestFile>& manifests,
                                   std::map<std::string, std::string> summary, int attempt, int64_t snapshot_id) {
  Snapshot snap;
  snap.snapshot_id = snapshot_id;
  snap.parent_id = md.current_snapshot_id;
  snap.sequence_number = md.last_sequence_number + 1;
  snap.timestamp_ms = std::max(NowMillis(), md.last_updated_ms);
  snap.schema_id = md.current_schema_id;
  snap.manifest_list = md.location + "/metadata/snap-" + std::to_string(snap.snapshot_id) + "-" +
                       std::to_string(attempt) + "-" + NewUuid() + ".avro";
  WriteManifestList(snap.manifest_list, manifests, snap.snapshot_id, snap.parent_id, snap.sequence_number);
  if (const Snapshot* parent = md.CurrentSnapshot()) {
    for (const auto& [key, value] : parent->summary) {
      if (key.rfind(kCarriedSummaryPrefix, 0) == 0) summary.try_emplace(key, value);
    }
  }
  snap.summary = std::move(summary);
  md.snapshots.push_back(snap);
  md.current_snapshot_id = snap.snapshot_id;
  md.last_sequence_number = snap.sequence_number;
  md.last_updated_ms = snap.timestamp_ms;
  md.snapshot_log.emplace_back(snap.timestamp_ms, snap.snapshot_id);
  return snap;
}

void IcebergTable::CommitFiles(const std::shared_ptr<const TableState>& base, const std::vector<DataFile>& added,
                               const std::vector<DataFile>& delete_files,
                               const std::map<uint32_t, std::vector<int64_t>>& deleted,
                               const std::map<int32_t, DistinctSketch>& sketches,
                               const std::vector<CommitProperty>& properties) {
  Commit([&](TableMetadata& md, const TableState& current, int attempt) {
    if (current.metadata_location != base->metadata_location) ValidateDeletes(*base, current, deleted);
    for (const CommitProperty& p : properties) {
      if (CommittedProperty(md, p.key) != p.expected) {
        throw Exception(sqlstate::kSerializationFailure, "could not commit to \"" + md.location + "\": " + p.key +
                                                             " changed since this write began");
      }
    }
    int64_t snapshot_id = NewSnapshotId();
    int64_t sequence = md.last_sequence_number + 1;
    std::vector<ManifestFile> manifests;
    auto add_manifest = [&](const std::vector<DataFile>& files, FileContent content) {
      std::vector<ManifestEntry> entries;
      for (const DataFile& f : files) entries.push_back({EntryStatus::kAdded, snapshot_id, sequence, sequence, f});
      AddManifests(md, entries, content, snapshot_id, sequence, manifests);
    };
    add_manifest(added, FileContent::kData);
    add_manifest(delete_files, FileContent::kPositionDeletes);
    MergeManifests(md, current, snapshot_id, sequence, manifests);
    int64_t added_rows = 0, deleted_rows = 0;
    for (const DataFile& f : added) added_rows += f.record_count;
    for (const DataFile& f : delete_files) deleted_rows += f.record_count;
    std::map<std::string, std::string> summary = {
        {"operation", delete_files.empty() ? "append" : (added.empty() ? "delete" : "overwrite")},
        {"added-data-files", std::to_string(added.size())},
        {"added-records", std::to_string(added_rows)},
        {"added-delete-files", std::to_string(delete_files.size())},
        {"added-position-deletes", std::to_string(deleted_rows)},
        {"total-records", std::to_string(current.row_count + added_rows - deleted_rows)}};
    for (const CommitProperty& p : properties) summary[p.key] = p.value;
    Snapshot snap = AddSnapshot(md, manifests, std::move(summary), attempt, snapshot_id);
    // Statistics are rewritten for commits that add enough rows to move them (or when there are none yet):
    // a stream of small inserts must not add a statistics file per commit.
    int64_t added_count = 0;
    for (const DataFile& f : added) added_count += f.record_count;
    bool worth_it = md.statistics.empty() || added_count >= std::max<int64_t>(1000, current.row_count / 10);
    if (!sketches.empty() && worth_it) WriteStatistics(md, current, snap, sketches);
  });
}

}  // namespace basin::iceberg
