#pragma once

// The password users of the PostgreSQL protocol (pg.users, pg.users.file): each a name and a password,
// given in clear text or as PostgreSQL's SCRAM-SHA-256 verifier ("SCRAM-SHA-256$4096:<salt>$<StoredKey>:
// <ServerKey>", what `SELECT rolpassword FROM pg_authid` shows), kept as a verifier either way.

#include <map>
#include <string>
#include <string_view>

#include "server/pgwire/scram.h"

namespace basin::pgwire {

using UserMap = std::map<std::string, ScramVerifier>;

/// Parse "alice:secret,bob:SCRAM-SHA-256$..." (entries separated by commas, blanks around them ignored;
/// a password cannot hold a comma here: use a file) into `users`. Throws DataError naming the bad entry.
void ParseUserList(std::string_view list, UserMap& users);
/// Read a file of "name:password" lines (the password runs to the end of the line; blank lines and lines
/// starting with '#' are skipped) into `users`. Throws IOError when it cannot be read, DataError
/// ("FILE:LINE: ...") for a bad line.
void LoadUserFile(const std::string& path, UserMap& users);

}  // namespace basin::pgwire
