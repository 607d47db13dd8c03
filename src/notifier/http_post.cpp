#include "notifier/http_post.hpp"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <memory>
#include <mutex>

#include "domain/address_class.hpp"
#include "notifier/transport_error.hpp"

namespace nedlia::notifier {
namespace {

/// Counts the response bytes and stops reading past the cap: a huge body never holds a sender.
struct BodyCap {
  std::size_t read = 0;
  std::size_t limit = 0;
  bool exceeded = false;
};

std::size_t CountBody(char*, std::size_t size, std::size_t count, void* user) {
  auto* cap = static_cast<BodyCap*>(user);
  cap->read += size * count;
  if (cap->read > cap->limit) {
    cap->exceeded = true;
    return 0;  // libcurl aborts the transfer (CURLE_WRITE_ERROR)
  }
  return size * count;
}

/// The connect-time check (server-side request forgery): libcurl asks it for every socket it
/// opens, with the address about to be connected, after name resolution and for every address
/// it tries. A name that resolves to an internal address, even only on the second lookup (DNS
/// rebinding), is refused before a single packet is sent to it.
struct ConnectGuard {
  const domain::EgressPolicy* egress = nullptr;
  std::string refused;  ///< the addresses refused and why, for the log
  int opened = 0;       ///< sockets opened to permitted addresses
};

std::optional<domain::IpAddress> AddressOf(const curl_sockaddr& address) {
  if (address.family == AF_INET &&
      address.addrlen >= static_cast<unsigned int>(sizeof(sockaddr_in))) {
    sockaddr_in ipv4{};
    std::memcpy(&ipv4, &address.addr, sizeof ipv4);
    domain::IpAddress ip;
    std::memcpy(ip.bytes.data(), &ipv4.sin_addr, 4);
    return ip;
  }
  if (address.family == AF_INET6 &&
      address.addrlen >= static_cast<unsigned int>(sizeof(sockaddr_in6))) {
    sockaddr_in6 ipv6{};
    std::memcpy(&ipv6, &address.addr, sizeof ipv6);
    domain::IpAddress ip{.family = domain::IpAddress::Family::kV6, .bytes = {}};
    std::memcpy(ip.bytes.data(), &ipv6.sin6_addr, 16);
    return ip;
  }
  return std::nullopt;  // another family (a Unix socket): never a webhook's
}

curl_socket_t OpenCheckedSocket(void* data, curlsocktype purpose, curl_sockaddr* address) {
  auto* guard = static_cast<ConnectGuard*>(data);
  const auto ip = AddressOf(*address);
  if (purpose != CURLSOCKTYPE_IPCXN || !ip || !guard->egress->Permits(*ip)) {
    const std::string what =
        ip ? domain::ToString(*ip) + " (" +
                 std::string(domain::AddressClassName(domain::ClassifyAddress(*ip))) + ")"
           : "a non-IP address";
    guard->refused += (guard->refused.empty() ? "" : ", ") + what;
    return CURL_SOCKET_BAD;  // libcurl tries the host's next address, if any
  }
  ++guard->opened;
  // Close-on-exec: nedlia starts child processes (psql, pg_ctl), which must not inherit it.
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

void InitialiseCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

using Easy = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

void Configure(CURL* curl, const std::string& url, const curl_slist* headers,
               const std::string& body, const SenderOptions& options, BodyCap& cap) {
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  // Never through a proxy named by the environment (https_proxy, ...): the connect-time check
  // would see the proxy's address, not the receiver's.
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: threads
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "nedlia-webhooks/1");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CountBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &cap);
}

// Called before each request is sent, on a new connection or a kept one: a connection opened
// under another policy (an earlier call on this thread) never reaches an address this one
// refuses.
int CheckBeforeSending(void* data, char* primary_ip, char* /*local_ip*/, int /*primary_port*/,
                       int /*local_port*/) {
  auto* guard = static_cast<ConnectGuard*>(data);
  const auto ip = domain::ParseIpAddress(primary_ip == nullptr ? "" : primary_ip);
  if (ip && guard->egress->Permits(*ip))
    return CURL_PREREQFUNC_OK;
  guard->refused += (guard->refused.empty() ? "" : ", ") +
                    (ip ? domain::ToString(*ip) + " (" +
                              std::string(domain::AddressClassName(domain::ClassifyAddress(*ip))) +
                              ", a kept connection)"
                        : std::string("an unknown address"));
  return CURL_PREREQFUNC_ABORT;
}

/// Has libcurl ask `guard` before it opens any socket and before it sends on any connection,
/// and write its error text to `error_buffer` (CURL_ERROR_SIZE bytes), which names the host
/// and port, for the log.
void InstallConnectGuard(CURL* curl, ConnectGuard& guard, char* error_buffer) {
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenCheckedSocket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &guard);
  curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, CheckBeforeSending);
  curl_easy_setopt(curl, CURLOPT_PREREQDATA, &guard);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
}

/// The outcome of a finished transfer: the status decides when an answer came, the class of
/// libcurl's failure otherwise.
PostOutcome OutcomeOf(CURL* curl, CURLcode code, const BodyCap& cap, const ConnectGuard& guard,
                      const char* error_buffer) {
  PostOutcome outcome;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &outcome.status);
  // A body cut short by our cap is not the receiver's fault: its status decides.
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && cap.exceeded)) {
    const bool kept_connection_refused =
        code == CURLE_ABORTED_BY_CALLBACK && !guard.refused.empty();
    outcome.error = kept_connection_refused
                        ? domain::DeliveryError::kAddressRefused
                        : DeliveryErrorOf(code, guard.opened == 0 && !guard.refused.empty());
    outcome.detail = *error_buffer != '\0' ? error_buffer : curl_easy_strerror(code);
  } else if (outcome.status < 200 || outcome.status >= 300) {
    outcome.error = domain::DeliveryError::kHttpStatus;
    outcome.detail = "HTTP " + std::to_string(outcome.status);
  }
  if (!guard.refused.empty())
    outcome.detail += "; refused to connect to " + guard.refused;
  return outcome;
}

}  // namespace

PostOutcome Post(const std::string& url, const std::vector<std::string>& headers,
                 const std::string& body, const SenderOptions& options) {
  InitialiseCurlOnce();
  // One handle per sender thread, kept: its connections stay open between deliveries to the
  // same receiver (a connection is checked against the egress policy when it is opened, and
  // reused only for the same scheme, host and port). A new connection per delivery cost a
  // TCP (and TLS) handshake each, most of a delivery's time to a nearby receiver.
  thread_local Easy curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    return {.status = 0,
            .error = domain::DeliveryError::kInternal,
            .detail = "could not create an HTTP client"};
  }
  curl_easy_reset(curl.get());  // every option back to its default; the connections stay
  curl_slist* raw = nullptr;
  for (const std::string& header : headers)
    raw = curl_slist_append(raw, header.c_str());
  // No "Expect: 100-continue" round trip before the body.
  HeaderList list(curl_slist_append(raw, "Expect:"), curl_slist_free_all);
  BodyCap cap{.read = 0, .limit = options.max_response_bytes, .exceeded = false};
  Configure(curl.get(), url, list.get(), body, options, cap);
  ConnectGuard guard{.egress = &options.egress, .refused = {}, .opened = 0};
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  InstallConnectGuard(curl.get(), guard, error_buffer.data());
  const CURLcode code = curl_easy_perform(curl.get());
  return OutcomeOf(curl.get(), code, cap, guard, error_buffer.data());
}

}  // namespace nedlia::notifier
