#include "server/http/router.h"

#include "common/exception.h"

namespace basin::http {

namespace {

/// Split "/a/b/c" into "a", "b", "c" ("/" is one empty segment, so that it differs from "").
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

/// How specific a route is at each segment, compared lexicographically: a literal beats a parameter,
/// which beats the rest-of-path parameter.
std::vector<int> Specificity(const Route& route) {
  std::vector<int> rank;
  for (const Route::Segment& s : route.segments) rank.push_back(s.rest ? 0 : s.param ? 1 : 2);
  return rank;
}

}  // namespace

void Router::Add(Method method, std::string_view pattern, SyncHandler handler, RouteOptions options) {
  auto route = std::make_unique<Route>();
  route->sync = std::move(handler);
  AddRoute(method, pattern, std::move(options), std::move(route));
}

void Router::AddAsync(Method method, std::string_view pattern, AsyncHandler handler, RouteOptions options) {
  auto route = std::make_unique<Route>();
  route->async = std::move(handler);
  AddRoute(method, pattern, std::move(options), std::move(route));
}

void Router::AddRoute(Method method, std::string_view pattern_text, RouteOptions options,
                      std::unique_ptr<Route> route) {
  route->method = method;
  route->pattern = pattern_text;
  route->options = std::move(options);
  const std::string& pattern = route->pattern;
  if (pattern.empty() || pattern.front() != '/')
    throw InternalError("route pattern '" + pattern + "' must start with '/'");
  const std::vector<std::string_view> parts = SplitPath(pattern);
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    Route::Segment segment;
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      part = part.substr(1, part.size() - 2);
      segment.param = true;
      if (part.size() > 3 && part.substr(part.size() - 3) == "...") {
        if (i + 1 != parts.size())
          throw InternalError("'{" + std::string(part) + "}' must end route pattern '" + pattern + "'");
        segment.rest = true;
        part.remove_suffix(3);
      }
      if (part.empty()) throw InternalError("route pattern '" + pattern + "' has an unnamed parameter");
    } else if (part.find_first_of("{}") != std::string_view::npos) {
      throw InternalError("route pattern '" + pattern + "': a parameter must be a whole segment");
    }
    segment.text = part;
    route->segments.push_back(std::move(segment));
  }
  for (const auto& other : routes_) {
    if (other->method != route->method || other->segments.size() != route->segments.size()) continue;
    bool same = true;
    for (size_t i = 0; same && i < route->segments.size(); ++i) {
      const Route::Segment& a = other->segments[i];
      const Route::Segment& b = route->segments[i];
      same = a.param == b.param && a.rest == b.rest && (a.param || a.text == b.text);
    }
    if (same) {
      throw InternalError(std::string(MethodName(route->method)) + " " + pattern + " is routed already (as " +
                          other->pattern + ")");
    }
  }
  routes_.push_back(std::move(route));
}

bool Router::Matches(const Route& route, const std::vector<std::string_view>& segments,
                     std::vector<std::pair<std::string, std::string>>& params, bool& bad_path) {
  const bool rest = !route.segments.empty() && route.segments.back().rest;
  if (rest ? segments.size() < route.segments.size() : segments.size() != route.segments.size()) return false;
  params.clear();
  for (size_t i = 0; i < route.segments.size(); ++i) {
    const Route::Segment& s = route.segments[i];
    if (!s.param) {
      if (segments[i] != s.text) return false;
      continue;
    }
    std::string_view raw = segments[i];
    if (s.rest) {
      // The rest of the path: from this segment to the end, slashes included.
      raw = std::string_view(segments[i].data(),
                             segments.back().data() + segments.back().size() - segments[i].data());
    } else if (raw.empty()) {
      return false;  // "/topics//events" names no topic
    }
    auto value = PercentDecode(raw, false);
    if (!value) {
      bad_path = true;
      return false;
    }
    params.emplace_back(s.text, std::move(*value));
  }
  return true;
}

Router::Match Router::Find(Method method, std::string_view path) const {
  Match match;
  const std::vector<std::string_view> segments = SplitPath(path);
  std::vector<int> best_rank;
  std::vector<std::pair<std::string, std::string>> params;
  std::string allowed_get_head;
  for (const auto& route : routes_) {
    bool bad = false;
    if (!Matches(*route, segments, params, bad)) {
      match.bad_path |= bad;
      continue;
    }
    const bool method_fits =
        route->method == method || (method == Method::kHead && route->method == Method::kGet);
    if (!method_fits) {
      const std::string_view name = MethodName(route->method);
      if (match.allowed.find(name) == std::string::npos) {
        if (!match.allowed.empty()) match.allowed += ", ";
        match.allowed += name;
        if (route->method == Method::kGet) match.allowed += ", HEAD";
      }
      continue;
    }
    std::vector<int> rank = Specificity(*route);
    // An exact method beats HEAD's fallback to GET.
    rank.push_back(route->method == method ? 1 : 0);
    if (match.route == nullptr || rank > best_rank) {
      match.route = route.get();
      match.params = params;
      best_rank = std::move(rank);
    }
  }
  if (match.route != nullptr) {
    match.allowed.clear();
    match.bad_path = false;
  }
  return match;
}

}  // namespace basin::http
