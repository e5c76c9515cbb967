#include "log/log_manager.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "common/exception.h"
#include "common/logging.h"
#include "log/errors.h"

namespace basin::log {

namespace {

constexpr const char* kTopicFile = "topic.json";
constexpr const char* kProducerIdsFile = "~producer_ids";
// Directories of topics being deleted; '~' never appears in a topic name.
constexpr std::string_view kDeletingPrefix = "~deleting-";
constexpr int64_t kProducerIdBlock = 1000;
constexpr size_t kMaxTopicNameLength = 249;

/// Write `content` to `path` so that a crash leaves the old file or the new one: a temporary file, fsync,
/// rename.
void WriteFileAtomically(const std::filesystem::path& path, const std::string& content) {
  const std::string temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IOError("cannot create " + temporary + ": " + std::strerror(errno));
  const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw IOError("cannot write " + temporary + ": " + std::strerror(errno));
  std::filesystem::rename(temporary, path);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string HexId(const std::array<uint8_t, 16>& id) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t b : id) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 15]);
  }
  return hex;
}

std::array<uint8_t, 16> ParseHexId(const std::string& hex) {
  std::array<uint8_t, 16> id{};
  for (size_t i = 0; i < id.size() && 2 * i + 1 < hex.size(); ++i) {
    id[i] = static_cast<uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return id;
}

std::array<uint8_t, 16> RandomUuid() {
  std::random_device random;
  std::array<uint8_t, 16> id{};
  for (auto& b : id) b = static_cast<uint8_t>(random());
  id[6] = static_cast<uint8_t>((id[6] & 0x0f) | 0x40);  // version 4
  id[8] = static_cast<uint8_t>((id[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return id;
}

// Kafka refuses topics whose names differ only by '.' versus '_' (they collide in metric names).
std::string CollisionName(std::string name) {
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

}  // namespace

LogManager::LogManager(std::filesystem::path dir, LogManagerOptions options)
    : dir_(std::move(dir)), options_(std::move(options)), clock_(options_.clock ? options_.clock : Clock(SystemClockMs)) {
  std::filesystem::create_directories(dir_);
  const std::filesystem::path ids = dir_ / kProducerIdsFile;
  if (std::filesystem::exists(ids)) {
    try {
      next_producer_id_ = producer_id_block_end_ = nlohmann::json::parse(ReadFile(ids)).at("next_block").get<int64_t>();
    } catch (const std::exception& e) {
      throw IOError("cannot read " + ids.string() + ": " + e.what());
    }
  }
  LoadTopics();
  if (!topics_.contains(kConsumerOffsetsTopic)) {
    CreateTopicLocked(kConsumerOffsetsTopic, 1, {{"cleanup.policy", "compact"}, {"segment.bytes", "104857600"}}, true);
  }
  group_offsets_ = std::make_unique<GroupOffsets>(GetPartition(kConsumerOffsetsTopic, 0), clock_);
}

LogManager::~LogManager() {
  StopMaintenance();
  for (const auto& partition : AllPartitions()) partition->Close();
}

void LogManager::ValidateTopicName(std::string_view name) {
  if (name.empty() || name.size() > kMaxTopicNameLength)
    throw LogError(ErrorCode::kInvalidTopic, "topic name must be 1 to 249 characters long");
  if (name == "." || name == "..") throw LogError(ErrorCode::kInvalidTopic, "topic name cannot be '.' or '..'");
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      throw LogError(ErrorCode::kInvalidTopic, "topic name '" + std::string(name) +
                                                   "' has an illegal character; legal are ASCII letters, digits, "
                                                   "'.', '_' and '-'");
  }
}

void LogManager::LoadTopics() {
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    if (name.starts_with(kDeletingPrefix)) {
      std::filesystem::remove_all(entry.path());  // a deletion a crash interrupted
      continue;
    }
    if (!std::filesystem::exists(entry.path() / kTopicFile)) {
      LogLine(LogLevel::kWarning, "log: removing " + entry.path().string() + ", a topic whose creation did not finish");
      std::filesystem::remove_all(entry.path());
      continue;
    }
    try {
      auto topic = OpenTopic(entry.path());
      topics_[topic->info.name] = topic;
    } catch (const std::exception& e) {
      LogLine(LogLevel::kError, "log: cannot open topic " + entry.path().string() + ": " + e.what());
    }
  }
}

std::shared_ptr<LogManager::Topic> LogManager::OpenTopic(const std::filesystem::path& dir) {
  const nlohmann::json json = nlohmann::json::parse(ReadFile(dir / kTopicFile));
  auto topic = std::make_shared<Topic>();
  TopicInfo& info = topic->info;
  info.name = json.at("name").get<std::string>();
  info.id = ParseHexId(json.at("id").get<std::string>());
  info.partitions = json.at("partitions").get<int32_t>();
  info.internal = json.value("internal", false);
  info.overrides = json.at("config").get<std::map<std::string, std::string>>();
  info.config = ResolveTopicConfig(options_.defaults, info.overrides);
  for (int32_t p = 0; p < info.partitions; ++p) topic->partitions.push_back(OpenPartition(info, p));
  return topic;
}

std::shared_ptr<Partition> LogManager::OpenPartition(const TopicInfo& info, int32_t partition) const {
  std::shared_ptr<Partition> opened = Partition::Open(
      dir_ / info.name / std::to_string(partition), info.name + "-" + std::to_string(partition), info.config, clock_);
  Listen(*opened, info.name, partition);
  return opened;
}

void LogManager::Listen(Partition& partition, const std::string& topic, int32_t index) const {
  if (!append_listener_) {
    partition.SetAppendListener(nullptr);
    return;
  }
  partition.SetAppendListener([listener = append_listener_, topic, index] { listener(topic, index); });
}

void LogManager::SetAppendListener(AppendListener listener) {
  std::unique_lock lock(mutex_);
  append_listener_ = std::move(listener);
  for (const auto& [name, topic] : topics_) {
    for (size_t p = 0; p < topic->partitions.size(); ++p) Listen(*topic->partitions[p], name, static_cast<int32_t>(p));
  }
}

void LogManager::WriteTopicFile(const TopicInfo& info) const {
  nlohmann::json json = {{"name", info.name},
                         {"id", HexId(info.id)},
                         {"partitions", info.partitions},
                         {"internal", info.internal},
                         {"config", info.overrides}};
  WriteFileAtomically(dir_ / info.name / kTopicFile, json.dump(2) + "\n");
}

std::shared_ptr<LogManager::Topic> LogManager::FindLocked(const std::string& name) const {
  auto it = topics_.find(name);
  if (it == topics_.end()) throw LogError(ErrorCode::kUnknownTopicOrPartition, "topic " + name + " does not exist");
  return it->second;
}

TopicInfo LogManager::CreateTopic(const std::string& name, int32_t partitions,
                                  const std::map<std::string, std::string>& config) {
  ValidateTopicName(name);
  std::unique_lock lock(mutex_);
  return CreateTopicLocked(name, partitions, config, false);
}

TopicInfo LogManager::CreateTopicLocked(const std::string& name, int32_t partitions,
                                        const std::map<std::string, std::string>& config, bool internal) {
  if (topics_.contains(name)) throw LogError(ErrorCode::kTopicAlreadyExists, "topic " + name + " already exists");
  for (const auto& [existing, topic] : topics_) {
    if (CollisionName(existing) == CollisionName(name))
      throw LogError(ErrorCode::kInvalidTopic, "topic " + name + " collides with topic " + existing +
                                                   " ('.' and '_' are the same in Kafka's metric names)");
  }
  if (partitions <= 0 || partitions > 100000)
    throw LogError(ErrorCode::kInvalidPartitions, "a topic needs 1 to 100000 partitions, not " + std::to_string(partitions));
  auto topic = std::make_shared<Topic>();
  TopicInfo& info = topic->info;
  info.name = name;
  info.id = RandomUuid();
  info.partitions = partitions;
  info.internal = internal;
  info.overrides = config;
  info.config = ResolveTopicConfig(options_.defaults, config);
  const std::filesystem::path dir = dir_ / name;
  try {
    std::filesystem::create_directories(dir);
    for (int32_t p = 0; p < partitions; ++p) topic->partitions.push_back(OpenPartition(info, p));
    WriteTopicFile(info);  // the commit point: a folder without it is removed on open
  } catch (...) {
    for (const auto& partition : topic->partitions) partition->Close(true);
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    throw;
  }
  topics_[name] = topic;
  return info;
}

void LogManager::DeleteTopic(const std::string& name) {
  static std::atomic<uint64_t> counter{0};
  const std::filesystem::path doomed =
      dir_ / (std::string(kDeletingPrefix) + name + "-" + std::to_string(clock_()) + "-" + std::to_string(counter++));
  {
    std::unique_lock lock(mutex_);
    auto topic = FindLocked(name);
    if (topic->info.internal) throw LogError(ErrorCode::kInvalidTopic, "topic " + name + " is internal");
    for (const auto& partition : topic->partitions) partition->Close(true);
    std::filesystem::rename(dir_ / name, doomed);  // the commit point
    topics_.erase(name);
  }
  std::error_code error;
  std::filesystem::remove_all(doomed, error);  // open readers keep their files until they finish
  if (error) LogLine(LogLevel::kWarning, "log: cannot remove " + doomed.string() + ": " + error.message());
  group_offsets_->RemoveTopic(name);
}

std::vector<std::string> LogManager::ListTopics(bool include_internal) const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, topic] : topics_) {
    if (include_internal || !topic->info.internal) names.push_back(name);
  }
  return names;
}

std::optional<TopicInfo> LogManager::FindTopic(const std::string& name) const {
  std::shared_lock lock(mutex_);
  auto it = topics_.find(name);
  return it == topics_.end() ? std::nullopt : std::optional<TopicInfo>(it->second->info);
}

TopicDescription LogManager::DescribeTopic(const std::string& name) const {
  std::shared_ptr<Topic> topic;
  TopicDescription description;
  {
    std::shared_lock lock(mutex_);
    topic = FindLocked(name);
    description.info = topic->info;
  }
  for (const auto& partition : topic->partitions) description.partitions.push_back(partition->Stats());
  return description;
}

TopicInfo LogManager::AlterTopicConfig(const std::string& name,
                                       const std::map<std::string, std::optional<std::string>>& changes) {
  std::unique_lock lock(mutex_);
  auto topic = FindLocked(name);
  TopicInfo info = topic->info;
  for (const auto& [key, value] : changes) {
    if (value) {
      info.overrides[key] = *value;
    } else {
      info.overrides.erase(key);
    }
  }
  info.config = ResolveTopicConfig(options_.defaults, info.overrides);
  WriteTopicFile(info);
  topic->info = info;
  for (const auto& partition : topic->partitions) partition->SetConfig(info.config);
  return info;
}

TopicInfo LogManager::AddPartitions(const std::string& name, int32_t total) {
  std::unique_lock lock(mutex_);
  auto topic = FindLocked(name);
  if (total <= topic->info.partitions || total > 100000)
    throw LogError(ErrorCode::kInvalidPartitions, "topic " + name + " has " + std::to_string(topic->info.partitions) +
                                                      " partitions; it can only grow, to at most 100000, not to " +
                                                      std::to_string(total));
  TopicInfo info = topic->info;
  info.partitions = total;
  std::vector<std::shared_ptr<Partition>> added;
  for (int32_t p = topic->info.partitions; p < total; ++p) added.push_back(OpenPartition(info, p));
  WriteTopicFile(info);
  topic->info = info;
  topic->partitions.insert(topic->partitions.end(), added.begin(), added.end());
  return info;
}

std::shared_ptr<Partition> LogManager::GetPartition(const std::string& topic, int32_t partition) const {
  std::shared_lock lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 || partition >= static_cast<int32_t>(it->second->partitions.size()))
    throw LogError(ErrorCode::kUnknownTopicOrPartition,
                   "topic " + topic + " has no partition " + std::to_string(partition));
  return it->second->partitions[static_cast<size_t>(partition)];
}

ProducerIdAndEpoch LogManager::InitProducerId() {
  std::lock_guard lock(producer_ids_mutex_);
  if (next_producer_id_ == producer_id_block_end_) {
    // Persist the end of the next block before handing out any id in it.
    const int64_t end = producer_id_block_end_ + kProducerIdBlock;
    WriteFileAtomically(dir_ / kProducerIdsFile, nlohmann::json({{"next_block", end}}).dump() + "\n");
    producer_id_block_end_ = end;
  }
  return {next_producer_id_++, 0};
}

std::vector<std::shared_ptr<Partition>> LogManager::AllPartitions() const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<Partition>> all;
  for (const auto& [name, topic] : topics_) all.insert(all.end(), topic->partitions.begin(), topic->partitions.end());
  return all;
}

void LogManager::RunMaintenance() {
  for (const auto& partition : AllPartitions()) {
    try {
      partition->MaybeFlush();
      partition->ApplyRetention();
      partition->Compact();
      partition->ExpireProducers(options_.producer_id_expiration_ms);
    } catch (const LogError& e) {
      if (e.code() != ErrorCode::kUnknownTopicOrPartition)  // deleted meanwhile
        LogLine(LogLevel::kError, "log maintenance of " + partition->name() + ": " + e.what());
    } catch (const std::exception& e) {
      LogLine(LogLevel::kError, "log maintenance of " + partition->name() + ": " + e.what());
    }
  }
}

void LogManager::Flush() {
  for (const auto& partition : AllPartitions()) {
    try {
      partition->Flush();
    } catch (const LogError& e) {
      if (e.code() != ErrorCode::kUnknownTopicOrPartition)  // deleted meanwhile
        LogLine(LogLevel::kError, "log: cannot flush " + partition->name() + ": " + e.what());
    } catch (const std::exception& e) {
      LogLine(LogLevel::kError, "log: cannot flush " + partition->name() + ": " + e.what());
    }
  }
}

struct LogManager::MaintenanceThread {
  std::mutex mutex;
  std::condition_variable wakeup;
  bool stop = false;
  std::thread thread;
};

void LogManager::StartMaintenance(std::chrono::milliseconds interval) {
  std::lock_guard lock(maintenance_mutex_);
  if (maintenance_) return;
  maintenance_ = std::make_unique<MaintenanceThread>();
  maintenance_->thread = std::thread([this, interval, state = maintenance_.get()] {
    std::unique_lock lock(state->mutex);
    while (!state->wakeup.wait_for(lock, interval, [state] { return state->stop; })) {
      lock.unlock();
      RunMaintenance();
      lock.lock();
    }
  });
}

void LogManager::StopMaintenance() {
  std::lock_guard lock(maintenance_mutex_);
  if (!maintenance_) return;
  {
    std::lock_guard state_lock(maintenance_->mutex);
    maintenance_->stop = true;
  }
  maintenance_->wakeup.notify_all();
  maintenance_->thread.join();
  maintenance_.reset();
}

}  // namespace basin::log
