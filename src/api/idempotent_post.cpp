#include "api/idempotent_post.hpp"

#include "app/api_keys.hpp"
#include "app/errors.hpp"

namespace nedlia::api {
namespace {

constexpr std::string_view kHeader = "Idempotency-Key";

std::string ValidKey(std::string_view key) {
  const bool printable = key.find_first_not_of(
                             " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
                             "abcdefghijklmnopqrstuvwxyz{|}~") == std::string_view::npos;
  if (key.empty() || key.size() > 255 || !printable) {
    app::ThrowIfInvalid(
        {{"/headers/Idempotency-Key", "must be 1 to 255 printable ASCII characters, e.g. a UUID"}});
  }
  return std::string(key);
}

http::Response Replay(const app::StoredResponse& stored, std::string body) {
  http::Response response{.status = stored.status, .headers = {}, .body = std::move(body)};
  response.SetHeader("Content-Type", "application/json");
  if (!stored.location.empty())
    response.SetHeader("Location", stored.location);
  if (!stored.etag.empty())
    response.SetHeader("ETag", stored.etag);
  response.SetHeader("Idempotent-Replayed", "true");
  return response;
}

}  // namespace

std::optional<std::string> IdempotencyKeyOf(const http::Request& request) {
  const auto header = request.Header(kHeader);
  if (!header)
    return std::nullopt;
  return ValidKey(*header);
}

http::Response IdempotentPost(app::Database& database, const app::CallContext& context,
                              const http::Request& request,
                              const std::function<http::Response(app::Transaction&)>& command) {
  const SecretInAnswer none{
      .forget = [](const std::string& body) { return body; },
      .recall = [](app::Transaction&, const std::string& body) { return body; }};
  return IdempotentPost(database, context, request, command, none);
}

http::Response IdempotentPost(app::Database& database, const app::CallContext& context,
                              const http::Request& request,
                              const std::function<http::Response(app::Transaction&)>& command,
                              const SecretInAnswer& secret) {
  const std::optional<std::string> given = IdempotencyKeyOf(request);
  if (!given)
    return database.Write(context, command);
  const std::string& key = *given;
  const std::string request_hash = app::HashSecret(request.path + "\n" + request.body);
  const domain::Uuid& principal = context.principal.id;
  return database.Write(context, [&](app::Transaction& tx) {
    if (!tx.IdempotencyKeys().TryLock(principal, key)) {
      throw app::Error(app::ErrorKind::kConflict,
                       "a request with this Idempotency-Key is still being processed");
    }
    if (const auto stored = tx.IdempotencyKeys().Find(principal, key)) {
      if (stored->request_hash != request_hash) {
        app::ThrowIfInvalid({{"/headers/Idempotency-Key",
                              "was already used with a different request; use a new key"}});
      }
      return Replay(*stored, secret.recall(tx, stored->body));
    }
    http::Response response = command(tx);
    if (response.status >= 200 && response.status < 300) {
      const auto location = response.Header("Location");
      const auto etag = response.Header("ETag");
      tx.IdempotencyKeys().Save(principal, key,
                                {.request_hash = request_hash,
                                 .status = response.status,
                                 .body = secret.forget(response.body),
                                 .location = std::string(location.value_or("")),
                                 .etag = std::string(etag.value_or(""))});
    }
    return response;
  });
}

}  // namespace nedlia::api
