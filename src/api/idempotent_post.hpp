#pragma once

#include <functional>
#include <optional>
#include <string>

#include "app/ports/database.hpp"
#include "app/principal.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace nedlia::api {

/// The request's Idempotency-Key header, when it has one; throws app::Error kInvalidInput
/// (pointing at the header) unless it is 1 to 255 printable ASCII characters.
std::optional<std::string> IdempotencyKeyOf(const http::Request& request);

/// Runs a POST's command in one transaction, honouring its Idempotency-Key: the first
/// successful answer is stored with the change, in the same transaction, and replayed for
/// every retry within 24 hours (with "Idempotent-Replayed: true"). The same key with another
/// payload is 422; while the first request is still running, a duplicate is 409. A failed
/// request stores nothing, so its retry runs again. Keys are scoped to the caller.
http::Response IdempotentPost(app::Database& database, const app::CallContext& context,
                              const http::Request& request,
                              const std::function<http::Response(app::Transaction&)>& command);

/// An answer that holds a secret with a row of its own (a webhook's signing secret): the stored
/// answer is kept without it (`forget`), and a replay puts it back from that row (`recall`), so
/// that the secret is in plain text in one place only.
struct SecretInAnswer {
  std::function<std::string(const std::string& body)> forget;
  std::function<std::string(app::Transaction&, const std::string& stored_body)> recall;
};

http::Response IdempotentPost(app::Database& database, const app::CallContext& context,
                              const http::Request& request,
                              const std::function<http::Response(app::Transaction&)>& command,
                              const SecretInAnswer& secret);

}  // namespace nedlia::api
