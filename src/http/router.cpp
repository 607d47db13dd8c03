#include "http/router.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "encoding/percent.hpp"

namespace nedlia::http {
namespace {

// "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}. Empty segments are kept so that a
// trailing slash or "//" makes a different path (strict matching).
std::vector<std::string_view> SplitSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::string_view rest = path.substr(1);
  while (true) {
    const std::size_t slash = rest.find('/');
    segments.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) {
      return segments;
    }
    rest.remove_prefix(slash + 1);
  }
}

// The request path's decoded segments; nullopt when a %-escape is malformed.
std::optional<std::vector<std::string>> DecodePath(std::string_view path) {
  std::vector<std::string> decoded;
  for (const std::string_view segment : SplitSegments(path)) {
    auto text = encoding::PercentDecode(segment);
    if (!text) {
      return std::nullopt;
    }
    decoded.push_back(std::move(*text));
  }
  return decoded;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// A literal without braces or '%', or "{name}" with a non-empty name without braces.
bool IsValidTemplateSegment(std::string_view segment) {
  if (segment.find('%') != std::string_view::npos) {
    return false;
  }
  const std::string_view inner = IsParam(segment) ? segment.substr(1, segment.size() - 2) : segment;
  return inner.find_first_of("{}") == std::string_view::npos;
}

void CheckTemplate(std::string_view path_template) {
  if (path_template.empty() || path_template.front() != '/') {
    throw std::invalid_argument("route template must start with '/': " +
                                std::string(path_template));
  }
  for (const std::string_view segment : SplitSegments(path_template)) {
    if (!IsValidTemplateSegment(segment)) {
      throw std::invalid_argument("malformed segment '" + std::string(segment) +
                                  "' in route template " + std::string(path_template));
    }
  }
}

std::string AllowHeader(const std::vector<Method>& methods) {
  std::string allow;
  for (const Method method : methods) {
    allow += (allow.empty() ? "" : ", ") + std::string(MethodName(method));
  }
  return allow;
}

Response NotFound(const std::string& path) {
  return Response::Problem(404, "Not Found", "no resource at " + path);
}

Response MethodNotAllowed(const Request& request, const std::vector<Method>& allowed) {
  const std::string allow = AllowHeader(allowed);
  Response response =
      Response::Problem(405, "Method Not Allowed",
                        std::string(MethodName(request.method)) + " is not allowed on " +
                            request.path + "; allowed: " + allow);
  response.SetHeader("Allow", allow);
  return response;
}

}  // namespace

void Router::Add(Method method, std::string_view path_template, Handler handler, Runs runs) {
  CheckTemplate(path_template);
  Entry entry{{method, std::string(path_template)}, {}, std::move(handler)};
  entry.runs = runs;
  for (const std::string_view segment : SplitSegments(path_template)) {
    const bool param = IsParam(segment);
    entry.segments.push_back(
        {std::string(param ? segment.substr(1, segment.size() - 2) : segment), param});
  }
  const auto same_shape = [&entry](const Entry& other) {
    return other.route.method == entry.route.method &&
           std::equal(other.segments.begin(), other.segments.end(), entry.segments.begin(),
                      entry.segments.end(), [](const Segment& a, const Segment& b) {
                        return a.is_param == b.is_param && (a.is_param || a.text == b.text);
                      });
  };
  if (std::any_of(entries_.begin(), entries_.end(), same_shape)) {
    throw std::invalid_argument("duplicate route " + std::string(MethodName(method)) + " " +
                                std::string(path_template));
  }
  if (metrics_ != nullptr)
    entry.series = &metrics_->Route(entry.route.path_template);
  entries_.push_back(std::move(entry));
}

Response Router::Handle(Request& request) const {
  if (metrics_ != nullptr)
    request.series = &metrics_->Unmatched();  // until a route takes it
  if (request.path.empty() || request.path.front() != '/') {
    return NotFound(request.path);
  }
  const auto path = DecodePath(request.path);
  if (!path) {
    return Response::Problem(400, "Bad Request", "the path has a malformed percent-encoding");
  }
  const Entry* entry = FindServing(*path, request.method);
  if (entry != nullptr) {
    BindParams(*entry, *path, request);
    request.series = entry->series;
    request.route = entry->route.path_template;
    return entry->handler(request);
  }
  const std::vector<Method> allowed = AllowedMethods(*path);
  return allowed.empty() ? NotFound(request.path) : MethodNotAllowed(request, allowed);
}

bool Router::RunsOnLoop(const Request& request) const {
  if (request.path.empty() || request.path.front() != '/')
    return false;
  const auto path = DecodePath(request.path);
  const Entry* entry = path ? FindServing(*path, request.method) : nullptr;
  return entry != nullptr && entry->runs == Runs::kOnLoop;
}

const Router::Entry* Router::FindServing(const std::vector<std::string>& path,
                                         Method method) const {
  const Entry* entry = Find(path, method);
  if (entry == nullptr && method == Method::kHead)
    entry = Find(path, Method::kGet);
  return entry;
}

void Router::Instrument(RequestMetrics& metrics) {
  metrics_ = &metrics;
  for (Entry& entry : entries_)
    entry.series = &metrics.Route(entry.route.path_template);
}

std::vector<Router::Route> Router::Routes() const {
  std::vector<Route> routes;
  routes.reserve(entries_.size());
  for (const Entry& entry : entries_) {
    routes.push_back(entry.route);
  }
  return routes;
}

void Router::BindParams(const Entry& entry, const std::vector<std::string>& path,
                        Request& request) {
  request.path_params.clear();
  for (std::size_t i = 0; i < entry.segments.size(); ++i) {
    if (entry.segments[i].is_param) {
      request.path_params.emplace_back(entry.segments[i].text, path[i]);
    }
  }
}

bool Router::Matches(const Entry& entry, const std::vector<std::string>& path) {
  if (entry.segments.size() != path.size()) {
    return false;
  }
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Segment& segment = entry.segments[i];
    if (segment.is_param ? path[i].empty() : segment.text != path[i]) {
      return false;
    }
  }
  return true;
}

// Of two templates matching the same path, the one with a literal where they first differ.
bool Router::MoreSpecific(const Entry& a, const Entry& b) {
  for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].is_param != b.segments[i].is_param) {
      return !a.segments[i].is_param;
    }
  }
  return false;
}

const Router::Entry* Router::Find(const std::vector<std::string>& path, Method method) const {
  const Entry* best = nullptr;
  for (const Entry& entry : entries_) {
    if (entry.route.method != method || !Matches(entry, path)) {
      continue;
    }
    if (best == nullptr || MoreSpecific(entry, *best)) {
      best = &entry;
    }
  }
  return best;
}

std::vector<Method> Router::AllowedMethods(const std::vector<std::string>& path) const {
  std::vector<Method> allowed;
  for (const Entry& entry : entries_) {
    if (Matches(entry, path)) {
      allowed.push_back(entry.route.method);
    }
  }
  if (std::find(allowed.begin(), allowed.end(), Method::kGet) != allowed.end()) {
    allowed.push_back(Method::kHead);
  }
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  return allowed;
}

}  // namespace nedlia::http
