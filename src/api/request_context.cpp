#include "api/request_context.hpp"

#include <openssl/rand.h>

#include <array>
#include <cctype>

#include "api/conditional_get.hpp"
#include "app/api_keys.hpp"
#include "app/errors.hpp"

namespace nedlia::api {
namespace {

bool IsLowerHex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool IsAllZero(std::string_view text) {
  return text.find_first_not_of('0') == std::string_view::npos;
}

bool IsValidTraceparent(std::string_view value) {
  // version(2) - trace-id(32) - parent-id(16) - flags(2), lowercase hex, ids not all zero.
  if (value.size() != 55 || value[2] != '-' || value[35] != '-' || value[52] != '-')
    return false;
  const std::string_view version = value.substr(0, 2), trace = value.substr(3, 32),
                         parent = value.substr(36, 16), flags = value.substr(53, 2);
  return IsLowerHex(version) && version != "ff" && IsLowerHex(trace) && IsLowerHex(parent) &&
         IsLowerHex(flags) && !IsAllZero(trace) && !IsAllZero(parent);
}

std::string RandomHex(std::size_t bytes) {
  std::array<unsigned char, 16> buffer{};
  RAND_bytes(buffer.data(), static_cast<int>(bytes));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (std::size_t i = 0; i < bytes; ++i) {
    hex += kHex[buffer[i] >> 4];
    hex += kHex[buffer[i] & 0xF];
  }
  return hex;
}

std::string_view BearerToken(const http::Request& request) {
  const auto header = request.Header("Authorization");
  if (!header)
    return {};
  constexpr std::string_view kScheme = "bearer ";
  if (header->size() <= kScheme.size())
    return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>((*header)[i])) != kScheme[i])
      return {};
  }
  return header->substr(kScheme.size());
}

}  // namespace

std::string TraceparentOf(const http::Request& request) {
  const auto header = request.Header("traceparent");
  if (header && IsValidTraceparent(*header)) {
    // Same trace, a new span for this server's work.
    return "00-" + std::string(header->substr(3, 32)) + "-" + RandomHex(8) + "-" +
           std::string(header->substr(53, 2));
  }
  return "00-" + RandomHex(16) + "-" + RandomHex(8) + "-01";
}

app::Principal Authenticator::Authenticate(const http::Request& request) {
  const std::string_view token = BearerToken(request);
  if (token.empty()) {
    throw app::Error(app::ErrorKind::kUnauthenticated,
                     "send Authorization: Bearer <API key> (see `nedlia keys create`)");
  }
  const std::string hash = app::HashSecret(token);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    const auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.expires > now)
      return it->second.principal;
  }
  std::optional<app::ApiKeyRecord> key;
  database_.ReadLatest([&](app::Transaction& tx) { key = tx.ApiKeys().FindActive(hash); });
  if (!key)
    throw app::Error(app::ErrorKind::kUnauthenticated, "the API key is unknown or revoked");
  app::Principal principal = app::PrincipalOf(*key);
  std::lock_guard lock(mutex_);
  if (cache_.size() > 10'000)
    cache_.clear();  // bounded: keys are few, garbage is not cached
  cache_[hash] = {principal, now + ttl_};
  return principal;
}

http::Handler Secured(Authenticator& authenticator, ApiHandler handler) {
  return [&authenticator, handler = std::move(handler)](http::Request& request) {
    const app::CallContext context{.principal = authenticator.Authenticate(request),
                                   .traceparent = TraceparentOf(request)};
    request.authenticated_as = context.principal.id.ToString();
    http::Response response = ConditionalGet(request, handler(request, context));
    response.SetHeader("traceparent", context.traceparent);
    return response;
  };
}

}  // namespace nedlia::api
