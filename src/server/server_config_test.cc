#include "server/server_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "common/exception.h"
#include "helpers/log_testing.h"
#include "server/basin_server.h"

namespace basin::server {
namespace {

using log::testing::ScratchDir;

std::string Value(const ServerConfig& config, const std::string& key) {
  for (const auto& [k, v] : config.Entries()) {
    if (k == key) return v;
  }
  return "<missing>";
}

TEST(ServerConfigTest, SetsKeysAndRefusesBadOnes) {
  ServerConfig config;
  EXPECT_EQ(config.kafka_port, 9092);
  EXPECT_EQ(Value(config, "log.retention.ms"), "604800000");  // Kafka's default, from the topic config
  config.Set("kafka.port", "0");
  config.Set("bind", "0.0.0.0");
  config.Set("auto.create.topics.enable", "false");
  config.Set("log.retention.ms", "1000");
  config.Set("log.cleanup.policy", "compact");
  EXPECT_EQ(config.kafka_port, 0);
  EXPECT_EQ(config.bind, "0.0.0.0");
  EXPECT_FALSE(config.auto_create_topics);
  EXPECT_EQ(config.topic_defaults, (std::map<std::string, std::string>{{"cleanup.policy", "compact"},
                                                                       {"retention.ms", "1000"}}));
  EXPECT_EQ(Value(config, "log.retention.ms"), "1000");
  EXPECT_THROW(config.Set("kafka.port", "65536"), DataError);
  EXPECT_THROW(config.Set("kafka.port", "12ab"), DataError);
  EXPECT_THROW(config.Set("num.partitions", "0"), DataError);
  EXPECT_THROW(config.Set("auto.create.topics.enable", "yes"), DataError);
  EXPECT_THROW(config.Set("log.retention.ms", "soon"), DataError);
  EXPECT_THROW(config.Set("data", ""), DataError);
  EXPECT_THROW(config.Set("no.such.key", "1"), DataError);
  EXPECT_EQ(config.kafka_port, 0);
}

TEST(ServerConfigTest, PostgresUsersAreShownWithoutPasswords) {
  ServerConfig config;
  config.Set("pg.users", "alice:secret, bob:SCRAM-SHA-256$4096:abc");
  EXPECT_EQ(config.pg_users, "alice:secret, bob:SCRAM-SHA-256$4096:abc");
  EXPECT_EQ(Value(config, "pg.users"), "alice:****,bob:****");  // DescribeConfigs and logs see this
  EXPECT_THROW(config.Set("pg.users", "alice"), DataError);
  EXPECT_THROW(config.Set("pg.users", ":secret"), DataError);
  try {
    config.Set("pg.users", "alice:secret,nopassword");
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << "the error shows no password";
  }
  config.Set("pg.port", "0");
  config.Set("pg.max.connections", "5");
  EXPECT_EQ(config.pg_port, 0);
  EXPECT_EQ(config.pg_max_connections, 5);
}

TEST(ServerConfigTest, FileThenEnvironment) {
  ScratchDir dir;
  const std::string path = (dir.path() / "basin.conf").string();
  std::ofstream(path) << "# a comment\n\n  kafka.port = 19092  \nnum.partitions=3\ndata = /srv/basin data\n";
  ServerConfig config;
  LoadConfigFile(path, config);
  EXPECT_EQ(config.kafka_port, 19092);
  EXPECT_EQ(config.num_partitions, 3);
  EXPECT_EQ(config.data_dir, "/srv/basin data");

  EXPECT_EQ(EnvironmentName("kafka.port"), "BASIN_KAFKA_PORT");
  const std::map<std::string, std::string> env = {{"BASIN_KAFKA_PORT", "29092"}, {"BASIN_DATA", "/env"},
                                                  {"BASIN_LOG_SEGMENT_BYTES", "1048576"}, {"BASIN_BIND", ""}};
  ApplyEnvironment([&](const char* name) { auto it = env.find(name); return it == env.end() ? nullptr : it->second.c_str(); },
                   config);
  EXPECT_EQ(config.kafka_port, 29092);
  EXPECT_EQ(config.data_dir, "/env");
  EXPECT_EQ(config.bind, "127.0.0.1");  // empty variables are ignored
  EXPECT_EQ(config.topic_defaults.at("segment.bytes"), "1048576");

  std::ofstream(path) << "kafka.port = 1\n\nnum.partitions: 3\n";
  try {
    LoadConfigFile(path, config);
    FAIL() << "a line without '=' was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("basin.conf:3: expected key = value"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LoadConfigFile((dir.path() / "missing.conf").string(), config), IOError);
  const std::map<std::string, std::string> bad = {{"BASIN_PG_PORT", "-1"}};
  try {
    ApplyEnvironment([&](const char* name) { auto it = bad.find(name); return it == bad.end() ? nullptr : it->second.c_str(); },
                     config);
    FAIL() << "a bad variable was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("BASIN_PG_PORT"), std::string::npos) << e.what();
  }
}

TEST(BasinServerTest, HoldsTheDataDirectoryAndSaysSo) {
  ScratchDir dir;
  ServerConfig config;
  config.data_dir = (dir.path() / "data").string();
  config.kafka_port = 0;
  config.pg_port = 0;
  config.http_port = 0;
  BasinServer server(config);
  server.Start();
  ASSERT_EQ(server.listeners().size(), 3u);
  EXPECT_EQ(server.listeners()[0].protocol, "kafka");
  EXPECT_EQ(server.listeners()[1].protocol, "pg");
  EXPECT_EQ(server.listeners()[2].protocol, "http");
  for (const Listener& l : server.listeners()) EXPECT_GT(l.port, 0);
  const std::string owner = BasinServer::DescribeOwner(config.data_dir);
  EXPECT_NE(owner.find("basin server, pid " + std::to_string(getpid())), std::string::npos) << owner;
  EXPECT_NE(owner.find("kafka on " + server.listeners()[0].address()), std::string::npos) << owner;
  EXPECT_NE(owner.find("pg on " + server.listeners()[1].address()), std::string::npos) << owner;
  EXPECT_NE(owner.find("http on " + server.listeners()[2].address()), std::string::npos) << owner;

  BasinServer second(config);
  try {
    second.Start();
    FAIL() << "a second server opened the same data directory";
  } catch (const IOError& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another Basin process (basin server, pid"), std::string::npos)
        << e.what();
  }
  server.Stop();
  EXPECT_EQ(BasinServer::DescribeOwner(config.data_dir), "");
  second.Start();  // free again
  second.Stop();
}

}  // namespace
}  // namespace basin::server
