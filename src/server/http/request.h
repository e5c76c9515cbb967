#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace basin::http {

enum class Method : uint8_t { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };

/// "GET", "POST", ...; "OTHER" for kOther.
std::string_view MethodName(Method method);

/// One HTTP request as a handler sees it: the head as received, the path split from the query, the
/// router's path parameters, and the whole body. Plain data; owned by the handler once it is called.
struct Request {
  Method method = Method::kGet;
  std::string method_name;  ///< as sent ("GET", or an extension method)
  std::string target;       ///< the request target as sent ("/api/v1/topics/x/events?key=id")
  std::string path;         ///< the target before '?', not yet percent-decoded
  std::string query;        ///< the target after '?' ("" when none)
  int version = 11;         ///< 10 for HTTP/1.0, 11 for HTTP/1.1
  std::vector<std::pair<std::string, std::string>> headers;  ///< in the order received
  std::string body;
  /// The path parameters the matching route named ("{topic}" → {"topic", "clicks"}), percent-decoded.
  std::vector<std::pair<std::string, std::string>> params;
  uint64_t connection_id = 0;  ///< unique among the server's connections
  std::string peer;            ///< the client's address and port, "127.0.0.1:51234"
  /// State a route's admission check keeps with the request until the request is destroyed (a budget
  /// reservation, say).
  std::shared_ptr<void> admission;

  /// The first header of this name (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  /// The path parameter `name` ("" when the route has none of that name).
  std::string_view Param(std::string_view name) const;
  /// The first query parameter `name`, percent-decoded ('+' is a space), or nullopt. A parameter without
  /// '=' ("?dry_run") has the value "".
  std::optional<std::string> Query(std::string_view name) const;
  /// The Content-Type's media type, lower-cased, without parameters ("application/json"), "" when absent.
  std::string MediaType() const;
};

/// What ParseRequests found.
struct ParsedRequests {
  std::vector<Request> requests;  ///< whole requests, bodies included
  std::string error;  ///< why parsing stopped early ("" when the bytes ended cleanly or mid-request)
};

/// Parse `bytes` as a connection's stream of requests (pipelined ones back to back) with the parser the
/// server reads heads and chunked bodies with (Beast's), its limits and its conversion into Request: for
/// the fuzz target and tests, not for serving.
ParsedRequests ParseRequests(std::string_view bytes, size_t max_header_bytes, size_t max_body_bytes);

/// Percent-decode `text` ("%2F" → "/"); with `plus_is_space`, '+' becomes ' ' (query strings). Return
/// nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

/// The first parameter `name` of `form`, a query string or an application/x-www-form-urlencoded body
/// ("a=1&b=x+y"), percent-decoded with '+' as a space; "" for a parameter without '='; nullopt when absent.
std::optional<std::string> FormValue(std::string_view form, std::string_view name);

/// Whether `a` and `b` are equal ignoring ASCII case (header names, media types).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace basin::http
