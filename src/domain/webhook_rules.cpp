#include "domain/webhook_rules.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace nedlia::domain {
namespace {

constexpr std::array<std::string_view, 3> kLoopbackHosts = {"127.0.0.1", "[::1]", "localhost"};

bool HasControlOrSpace(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7F;
  });
}

/// The host of an authority "host[:port]" (IPv6 literals keep their brackets); empty when
/// malformed.
std::string_view HostOf(std::string_view authority) {
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    return close == std::string_view::npos ? std::string_view() : authority.substr(0, close + 1);
  }
  return authority.substr(0, authority.find(':'));
}

/// Why the URL is refused, or empty.
std::string Problem(std::string_view url, bool allow_loopback_http) {
  if (url.size() > kMaxWebhookUrl)
    return "must be at most " + std::to_string(kMaxWebhookUrl) + " characters";
  if (HasControlOrSpace(url))
    return "must not contain spaces or control characters";
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://"))
    return "must be an absolute https:// URL";
  const std::string_view rest = url.substr(https ? 8 : 7);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos)
    return "must not contain credentials: the signature authenticates the sender";
  if (url.find('#') != std::string_view::npos)
    return "must not have a fragment";
  const std::string_view host = HostOf(authority);
  if (host.empty())
    return "must name a host";
  if (https)
    return {};
  const bool loopback =
      std::find(kLoopbackHosts.begin(), kLoopbackHosts.end(), host) != kLoopbackHosts.end();
  if (!loopback || !allow_loopback_http)
    return "must be https (plain http only for a loopback host in development)";
  return {};
}

}  // namespace

FieldErrors ValidateWebhookUrl(std::string_view url, bool allow_loopback_http) {
  const std::string problem = Problem(url, allow_loopback_http);
  if (problem.empty())
    return {};
  return {{"/url", problem}};
}

FieldErrors ValidateWebhookEventTypes(const std::vector<std::string>& types,
                                      const std::vector<std::string>& subscribable) {
  if (types.empty())
    return {{"/event_types", "must name at least one event type"}};
  FieldErrors errors;
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const std::string pointer = "/event_types/" + std::to_string(i);
    if (std::find(subscribable.begin(), subscribable.end(), types[i]) == subscribable.end())
      errors.push_back({pointer, "is not an event type a webhook can subscribe to"});
    else if (!seen.insert(types[i]).second)
      errors.push_back({pointer, "is listed twice"});
  }
  return errors;
}

}  // namespace nedlia::domain
