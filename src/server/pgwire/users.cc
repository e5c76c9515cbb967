#include "server/pgwire/users.h"

#include <fstream>

#include "common/exception.h"

namespace basin::pgwire {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

void AddUser(std::string_view entry, UserMap& users) {
  const size_t colon = entry.find(':');
  const std::string_view name = colon == std::string_view::npos ? entry : Trim(entry.substr(0, colon));
  if (colon == std::string_view::npos || name.empty() || colon + 1 == entry.size()) {
    throw DataError(sqlstate::kInvalidParameterValue, "expected name:password, not \"" + std::string(name) + "...\"");
  }
  const std::string_view password = entry.substr(colon + 1);
  if (auto verifier = ParseScramVerifier(password)) {
    users[std::string(name)] = *verifier;
  } else if (password.rfind("SCRAM-SHA-256$", 0) == 0) {
    throw DataError(sqlstate::kInvalidParameterValue, "malformed SCRAM-SHA-256 verifier for user \"" + std::string(name) + "\"");
  } else {
    users[std::string(name)] = MakeScramVerifier(password);
  }
}

}  // namespace

void ParseUserList(std::string_view list, UserMap& users) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    const std::string_view entry = Trim(list.substr(pos, comma - pos));
    if (!entry.empty()) AddUser(entry, users);
    pos = comma + 1;
  }
}

void LoadUserFile(const std::string& path, UserMap& users) {
  std::ifstream in(path);
  if (!in) throw IOError("cannot read the users file " + path);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    try {
      AddUser(text, users);
    } catch (const DataError& e) {
      throw DataError(sqlstate::kInvalidParameterValue, path + ":" + std::to_string(number) + ": " + e.what());
    }
  }
}

}  // namespace basin::pgwire
