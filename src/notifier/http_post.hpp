#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/webhook.hpp"
#include "notifier/notifier_options.hpp"

namespace nedlia::notifier {

/// What became of one POST.
struct PostOutcome {
  long status = 0;  ///< the HTTP status, 0 when no response arrived
  /// Why the attempt failed (the receiver's non-2xx status included), for the tenant; nullopt
  /// when it succeeded.
  std::optional<domain::DeliveryError> error;
  /// What went wrong in libcurl's words, with addresses: for the operator's log, never stored
  /// where a tenant reads.
  std::string detail;

  /// Standard Webhooks: a 2xx is a success; redirects are not followed, so they fail.
  bool Succeeded() const { return !error; }
};

/// POSTs `body` to `url` with `headers` ("Name: value") through libcurl, bounded by the
/// options' connect and total timeouts; connects only to addresses options.egress permits,
/// checked on each address as the socket is opened; never follows a redirect, never uses a
/// proxy, and reads at most max_response_bytes of the response. Safe to call from many threads
/// at once; each thread keeps its connections open for its next delivery to the same receiver.
PostOutcome Post(const std::string& url, const std::vector<std::string>& headers,
                 const std::string& body, const SenderOptions& options);

}  // namespace nedlia::notifier
