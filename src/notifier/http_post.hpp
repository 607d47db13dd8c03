#pragma once

#include <string>
#include <vector>

#include "notifier/notifier_options.hpp"

namespace nedlia::notifier {

/// What became of one POST.
struct PostOutcome {
  long status = 0;    ///< the HTTP status, 0 when no response arrived
  std::string error;  ///< a transport error (connect, timeout, TLS), empty otherwise

  /// Standard Webhooks: a 2xx is a success; redirects are not followed, so they fail.
  bool Succeeded() const { return error.empty() && status >= 200 && status < 300; }
  /// For the delivery log: the transport error, or "HTTP <status>".
  std::string Describe() const;
};

/// POSTs `body` to `url` with `headers` ("Name: value") through libcurl, bounded by the
/// options' connect and total timeouts; never follows a redirect and reads at most
/// max_response_bytes of the response. Safe to call from many threads at once.
PostOutcome Post(const std::string& url, const std::vector<std::string>& headers,
                 const std::string& body, const SenderOptions& options);

}  // namespace nedlia::notifier
