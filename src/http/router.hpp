#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/handler.hpp"
#include "http/request.hpp"
#include "http/request_metrics.hpp"
#include "http/response.hpp"

namespace nedlia::http {

/// Maps (method, path template) to a handler and answers 404 and 405 itself.
///
/// Matching rules:
/// - A template is "/" or "/seg/seg/..."; a segment is a literal or a parameter "{name}".
/// - The request path is split on '/' first, then each segment is percent-decoded: "%2F" stays
///   inside its segment (a parameter may contain '/'), and a literal matches its encoded
///   spelling too ("/v1/th%69ngs" is "/v1/things"). A malformed escape answers 400.
/// - Strict slashes: "/v1/things/" (a trailing empty segment) does not match "/v1/things", and
///   a parameter never matches an empty segment.
/// - When several templates match, the one with a literal at the first position where they
///   differ wins ("/things/search" beats "/things/{id}").
/// - HEAD falls back to the GET route (the server sends no body); Allow lists HEAD with GET.
///
/// Add routes before serving; Handle is then safe to call from many threads at once.
class Router {
 public:
  /// One registered route, for listings such as the OpenAPI consistency check.
  struct Route {
    Method method;
    std::string path_template;
  };

  /// Where a route's handler runs (see ServerOptions::runs_on_loop).
  enum class Runs {
    kOnWorker,  ///< on a worker thread: it may block
    kOnLoop,    ///< in a fiber on the event loop: it waits only in ways a fiber can
  };

  /// Registers a route; throws std::invalid_argument for a malformed template or a duplicate
  /// (same method and same segments, parameter names aside).
  void Add(Method method, std::string_view path_template, Handler handler,
           Runs runs = Runs::kOnWorker);
  /// Whether the request's route runs on the event loop (false for no route).
  bool RunsOnLoop(const Request& request) const;
  /// Dispatches: fills request.path_params and calls the handler, or answers 400, 404 or 405
  /// (with Allow) as application/problem+json.
  Response Handle(Request& request) const;
  /// Every registered route in registration order.
  std::vector<Route> Routes() const;
  /// From now on, Handle points each request at its route's series in `metrics` (which must
  /// outlive this), for the server to count once answered. Routes added before and after alike.
  void Instrument(RequestMetrics& metrics);

 private:
  struct Segment {
    std::string text;  ///< the literal, or the parameter's name
    bool is_param = false;
  };
  struct Entry {
    Route route;
    std::vector<Segment> segments;
    Handler handler;
    RouteSeries* series = nullptr;
    Runs runs = Runs::kOnWorker;
  };

  static void BindParams(const Entry& entry, const std::vector<std::string>& path,
                         Request& request);
  static bool Matches(const Entry& entry, const std::vector<std::string>& path);
  static bool MoreSpecific(const Entry& a, const Entry& b);
  const Entry* Find(const std::vector<std::string>& path, Method method) const;
  /// The route for `method` or, for HEAD, its GET route.
  const Entry* FindServing(const std::vector<std::string>& path, Method method) const;
  std::vector<Method> AllowedMethods(const std::vector<std::string>& path) const;

  std::vector<Entry> entries_;
  RequestMetrics* metrics_ = nullptr;
};

}  // namespace nedlia::http
