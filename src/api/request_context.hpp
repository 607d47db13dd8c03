#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "app/ports/database.hpp"
#include "app/principal.hpp"
#include "http/handler.hpp"

namespace nedlia::api {

/// A route handler of the API: the request and who sent it.
using ApiHandler = std::function<http::Response(http::Request&, const app::CallContext&)>;

/// The W3C traceparent of the request ("00-<trace>-<span>-<flags>"): the incoming one when it
/// is well-formed, else a new trace. Invalid headers are ignored, as the W3C spec requires.
std::string TraceparentOf(const http::Request& request);

/// Resolves "Authorization: Bearer <key>" to a principal. Lookups are cached for `ttl`, so a
/// revoked key stops working within that time; unknown keys are not cached.
class Authenticator {
 public:
  Authenticator(app::Database& database, std::chrono::milliseconds ttl)
      : database_(database), ttl_(ttl) {}

  /// The caller; throws app::Error kUnauthenticated when the header is missing or the key is
  /// unknown or revoked.
  app::Principal Authenticate(const http::Request& request);

 private:
  struct Entry {
    app::Principal principal;
    std::chrono::steady_clock::time_point expires;
  };

  app::Database& database_;
  std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;  ///< by secret hash
};

/// Wraps an ApiHandler into a router handler that authenticates the caller and carries the
/// trace context.
http::Handler Secured(Authenticator& authenticator, ApiHandler handler);

}  // namespace nedlia::api
