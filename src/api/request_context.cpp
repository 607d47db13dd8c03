#include "api/request_context.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <random>

#include "api/conditional_get.hpp"
#include "app/api_keys.hpp"
#include "app/errors.hpp"
#include "process/log_context.hpp"

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

// Trace and span ids need to be unique, not secret: a generator per thread, seeded from the
// system's randomness, instead of OpenSSL's locked DRBG (4% of a GET's time under load).
std::uint64_t RandomWord() {
  thread_local std::mt19937_64 generator{[] {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
  }()};
  std::uint64_t word = 0;
  while (word == 0)  // an id of zeros is invalid (W3C trace context)
    word = generator();
  return word;
}

// `bytes` (8 or 16) random bytes as lowercase hex.
std::string RandomHex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes * 2);
  for (std::size_t word = 0; word < bytes / 8; ++word) {
    const std::uint64_t random = RandomWord();
    for (int shift = 60; shift >= 0; shift -= 4)
      hex += kHex[(random >> shift) & 0xF];
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

Authenticator::Authenticator(app::ApiKeyCache& keys, metrics::Registry& registry)
    : keys_(keys),
      malformed_(registry.GetCounter(
          "nedlia_api_key_malformed_total",
          "Bearer tokens refused without a lookup because they cannot be one of our keys.")) {}

Caller Authenticator::Authenticate(const http::Request& request) {
  const std::string_view token = BearerToken(request);
  if (token.empty()) {
    throw app::Error(app::ErrorKind::kUnauthenticated,
                     "send Authorization: Bearer <API key> (see `nedlia keys create`)");
  }
  // The same answer as for an unknown key: the shape tells a prober nothing either.
  const app::Error unknown(app::ErrorKind::kUnauthenticated, "the API key is unknown or revoked");
  if (!app::LooksLikeApiKey(token)) {
    malformed_.Increment();
    throw unknown;
  }
  std::string hash = app::HashSecret(token);
  std::optional<app::Principal> principal = keys_.Lookup(hash);
  if (!principal)
    throw unknown;
  return {.principal = std::move(*principal), .key_hash = std::move(hash)};
}

http::Handler Secured(Authenticator& authenticator, ApiHandler handler) {
  return [&authenticator, handler = std::move(handler)](http::Request& request) {
    Caller caller = authenticator.Authenticate(request);
    const app::CallContext context{.principal = std::move(caller.principal),
                                   .traceparent = TraceparentOf(request),
                                   .key_hash = std::move(caller.key_hash)};
    request.authenticated_as = context.principal.id.ToString();
    // What the handler logs carries the request's trace (the JSON log format shows it).
    const process::LogTrace trace(context.traceparent.substr(3, 32));
    http::Response response = ConditionalGet(request, handler(request, context));
    response.SetHeader("traceparent", context.traceparent);
    return response;
  };
}

}  // namespace nedlia::api
