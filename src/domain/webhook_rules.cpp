#include "domain/webhook_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <set>

namespace nedlia::domain {
namespace {

constexpr std::array<std::string_view, 3> kLoopbackHosts = {"127.0.0.1", "[::1]", "localhost"};

/// Names that resolve only inside some private network (RFC 6761, RFC 8375, ICANN's
/// .internal, and the suffixes intranets commonly use); a name without a dot is one too, as a
/// resolver completes it with its search domains.
constexpr std::array<std::string_view, 9> kInternalSuffixes = {
    "localhost", "local",    "internal", "localdomain", "home.arpa",
    "lan",       "intranet", "corp",     "private"};

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

/// Whether the ":port" after the host, if any, is a port number.
bool ValidPort(std::string_view authority, std::string_view host) {
  const std::string_view rest = authority.substr(host.size());
  if (rest.empty())
    return true;
  const std::string_view digits = rest.substr(1);
  int port = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  return rest[0] == ':' && error == std::errc() && end == digits.data() + digits.size() &&
         port >= 1 && port <= 65535 && !digits.starts_with('0');
}

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

/// WHATWG URL's "ends in a number": URL parsers (curl's too) read such a host as an IPv4
/// address in one of its many forms (2130706433, 0x7f.1, 127.1).
bool EndsInNumber(std::string_view name) {
  const std::string_view last = name.substr(name.rfind('.') + 1);
  const auto digits = [](std::string_view text, auto is_digit) {
    return std::all_of(text.begin(), text.end(), [&](char c) { return is_digit(c); });
  };
  if (!last.empty() && digits(last, [](char c) { return c >= '0' && c <= '9'; }))
    return true;
  return last.starts_with("0x") && digits(last.substr(2), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

bool IsInternalName(std::string_view name) {
  if (name.find('.') == std::string_view::npos)
    return true;
  return std::any_of(kInternalSuffixes.begin(), kInternalSuffixes.end(), [&](std::string_view s) {
    return name == s || (name.ends_with(s) && name[name.size() - s.size() - 1] == '.');
  });
}

const std::string kNotAnAddress = "must name the host, not an IP address";

/// Why a bracketed IPv6 host is refused, or empty.
std::string Ipv6HostProblem(std::string_view host, const EgressPolicy& egress) {
  const auto address = ParseIpAddress(host.substr(1, host.size() - 2));
  if (!address)
    return "must name a valid host";
  return egress.AllowsExplicitly(*address) ? std::string() : kNotAnAddress;
}

/// Why the host is refused, or empty. An IP address is accepted only inside a network the
/// deployment allows on purpose (loopback in development), and a name of an internal network
/// only where some non-public network is allowed: elsewhere both can only be aimed at the
/// platform's own network. The guard that counts is the check of every address connected to
/// (a public name may resolve to anything); this one tells the client early.
std::string HostProblem(std::string_view host, const EgressPolicy& egress) {
  if (host.starts_with('['))
    return Ipv6HostProblem(host, egress);
  std::string name = Lowercase(host);
  if (name.ends_with('.'))
    name.pop_back();
  const bool ascii = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
  if (!ascii)
    return "must be an ASCII host name (punycode for an international one)";
  if (name.empty() || name.starts_with('.') || name.find("..") != std::string::npos)
    return "must name a valid host";
  if (EndsInNumber(name)) {
    const auto address = ParseIpAddress(name);
    return address && egress.AllowsExplicitly(*address) ? std::string() : kNotAnAddress;
  }
  if (IsInternalName(name) && !egress.AllowsNonPublic()) {
    return "must name a public host, not one of an internal network (localhost, .internal, "
           ".local, a name without a dot, ...)";
  }
  return {};
}

/// Why the URL is refused, or empty.
std::string Problem(std::string_view url, const WebhookUrlRules& rules) {
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
  if (!ValidPort(authority, host))
    return "must have a port from 1 to 65535, if any";
  if (std::string problem = HostProblem(host, rules.egress); !problem.empty())
    return problem;
  if (https)
    return {};
  const bool loopback =
      std::find(kLoopbackHosts.begin(), kLoopbackHosts.end(), host) != kLoopbackHosts.end();
  if (!loopback || !rules.allow_loopback_http)
    return "must be https (plain http only for a loopback host in development)";
  return {};
}

}  // namespace

FieldErrors ValidateWebhookUrl(std::string_view url, const WebhookUrlRules& rules) {
  const std::string problem = Problem(url, rules);
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
    if (std::find(subscribable.begin(), subscribable.end(), types[i]) == subscribable.end()) {
      errors.push_back({pointer, "is not an event type a webhook can subscribe to"});
    } else if (!seen.insert(types[i]).second) {
      errors.push_back({pointer, "is listed twice"});
    }
  }
  return errors;
}

}  // namespace nedlia::domain
