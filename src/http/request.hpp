#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/header_fields.hpp"

namespace nedlia::http {

class RouteSeries;

/// The request methods the API serves; any other method is answered 501 by the server.
enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };

/// The method's name on the wire ("GET").
std::string_view MethodName(Method method);
/// The method with this exact (case-sensitive, RFC 9110) name, if it is one we serve.
std::optional<Method> ParseMethod(std::string_view name);

/// One HTTP request, independent of the server library that parsed it.
struct Request {
  Method method = Method::kGet;
  std::string target;  ///< as received: path and query, still percent-encoded
  std::string path;    ///< the target before '?', still percent-encoded
  std::string query;   ///< the target after '?' (without it), still percent-encoded
  std::vector<HeaderField> headers;
  std::string body;
  std::string remote_address;  ///< "ip:port" of the peer
  /// Who the application authenticated the request as (an id), for the access log; "" if none.
  std::string authenticated_as;
  /// Filled by the Router from the matched template's {name} segments, percent-decoded.
  std::vector<std::pair<std::string, std::string>> path_params;
  /// Where the server counts this request once answered: set by an instrumented Router to its
  /// route's series (or its unmatched one); null until then.
  RouteSeries* series = nullptr;
  /// The matched route's template (`/v1/placements/{id}`), for logs; empty until routed.
  std::string_view route;

  /// A request for `target` (path and query split as the server does); for tests and tools.
  static Request For(Method method, std::string_view target);

  /// Sets target, path and query from a request target such as "/v1/things?limit=10".
  void SetTarget(std::string_view request_target);
  /// The first query parameter `name`, decoded ('+' is a space). A value with a malformed
  /// %-escape is returned as it was sent, so validation reports it rather than ignoring it.
  std::optional<std::string> Query(std::string_view name) const;
  /// The first header field `name` (case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
  /// The path parameter `name` of the matched route; throws std::out_of_range when the route
  /// template has no such parameter (a bug in the handler).
  const std::string& PathParam(std::string_view name) const;
};

}  // namespace nedlia::http
