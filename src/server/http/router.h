#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http/request.h"
#include "server/http/response.h"

namespace basin::http {

/// A handler that answers before returning (or throws: the exception becomes the response).
using SyncHandler = std::function<Response(const Request& request)>;
/// A handler that answers through `respond`, now or later from any thread; it owns the request.
using AsyncHandler = std::function<void(Request&& request, Responder respond)>;
/// A check on a request's head before its body is read: return a response to answer with at once (the
/// body is then not read), or nullopt to go on. It may keep state in `request.admission`.
using AdmissionCheck = std::function<std::optional<Response>(Request& head)>;

struct RouteOptions {
  /// The largest body accepted; larger ones get 413 before they are read (Content-Length) or as soon as
  /// they pass it (chunked). 0: ServerOptions::max_body_bytes.
  size_t max_body_bytes = 0;
  /// Run the handler on the network thread that read the request rather than on the handler pool: only
  /// for handlers that never block (health, metrics, ones that hand work to their own threads).
  bool inline_handler = false;
  /// Runs on the network thread once the head is read, before the body.
  AdmissionCheck admit;
};

/// One registered route.
struct Route {
  Method method;
  std::string pattern;  ///< as registered, e.g. "/api/v1/topics/{topic}/events"; the metrics label
  RouteOptions options;
  SyncHandler sync;
  AsyncHandler async;

  struct Segment {
    std::string text;  ///< a literal, or the parameter's name
    bool param = false;
    bool rest = false;  ///< "{name...}": the rest of the path, slashes included (last segment only)
  };
  std::vector<Segment> segments;
};

/// Maps a method and a path to a route. Patterns are paths whose segments are literals or `{name}`
/// parameters (one segment each, percent-decoded into Request::params), the last one possibly `{name...}`
/// for the rest of the path; at each segment a literal beats a parameter. HEAD requests fall back to the
/// GET route. Routes are added before the server starts; matching is then read-only and thread-safe.
class Router {
 public:
  /// Add a route. Throws InternalError for a malformed pattern or one registered already for `method`.
  void Add(Method method, std::string_view pattern, SyncHandler handler, RouteOptions options = {});
  void AddAsync(Method method, std::string_view pattern, AsyncHandler handler, RouteOptions options = {});

  /// What Find found.
  struct Match {
    const Route* route = nullptr;  ///< null: no route for this method and path
    std::vector<std::pair<std::string, std::string>> params;
    /// With no route: whether other methods serve the path (405 rather than 404), and which ("GET, POST").
    std::string allowed;
    bool bad_path = false;  ///< a malformed percent escape in the path (400)
  };
  /// Find the route for `method` and `path` (the target before '?', not decoded).
  Match Find(Method method, std::string_view path) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  /// Parse the pattern into `route` (which has its handler) and add it.
  void AddRoute(Method method, std::string_view pattern, RouteOptions options, std::unique_ptr<Route> route);
  /// Whether `route` matches `segments`, filling `params`.
  static bool Matches(const Route& route, const std::vector<std::string_view>& segments,
                      std::vector<std::pair<std::string, std::string>>& params, bool& bad_path);

  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace basin::http
