#pragma once

#include <functional>
#include <string>

#include "app/api_key_cache.hpp"
#include "app/principal.hpp"
#include "http/handler.hpp"
#include "metrics/registry.hpp"

namespace nedlia::api {

/// A route handler of the API: the request and who sent it.
using ApiHandler = std::function<http::Response(http::Request&, const app::CallContext&)>;

/// The W3C traceparent of the request ("00-<trace>-<span>-<flags>"): the incoming one when it
/// is well-formed, else a new trace. Invalid headers are ignored, as the W3C spec requires.
std::string TraceparentOf(const http::Request& request);

/// Who sent a request: the principal and the hash of the API key that stands for it.
struct Caller {
  app::Principal principal;
  std::string key_hash;
};

/// Resolves "Authorization: Bearer <key>" to a principal through the key cache (a revoked key
/// stops working within its TTL). A token that does not have the shape of our keys is refused
/// before anything else, so that garbage costs neither a hash nor a query.
class Authenticator {
 public:
  Authenticator(app::ApiKeyCache& keys, metrics::Registry& registry);

  /// The caller; throws app::Error kUnauthenticated when the header is missing or the key is
  /// malformed, unknown or revoked, kUnavailable when the key cannot be checked now.
  Caller Authenticate(const http::Request& request);

 private:
  app::ApiKeyCache& keys_;
  metrics::Counter& malformed_;
};

/// Wraps an ApiHandler into a router handler that authenticates the caller and carries the
/// trace context.
http::Handler Secured(Authenticator& authenticator, ApiHandler handler);

}  // namespace nedlia::api
